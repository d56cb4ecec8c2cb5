package com.oversoc.mesh.coordinator.policy;

import java.util.List;

/** A policy document has problems; each is one line: path, what is wrong, what is accepted. */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public PolicyException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
