package com.oversoc.mesh.node.netlab;

import java.util.List;

/** How a command that ran to the end exited and what it printed. */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
  public ExecResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** This result if the command exited 0, else a {@link CommandFailedException} with its output. */
  public ExecResult orThrow() {
    if (!succeeded()) {
      throw new CommandFailedException(this);
    }
    return this;
  }
}
