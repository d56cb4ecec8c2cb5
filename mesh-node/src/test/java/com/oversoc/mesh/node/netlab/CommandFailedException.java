package com.oversoc.mesh.node.netlab;

import java.util.List;
import java.util.Optional;

/** A command the lab ran could not start, exited non-zero, or did not finish in time. */
public final class CommandFailedException extends NetLabException {
  private final List<String> command;
  private final ExecResult result;

  /** The command ran and exited non-zero. */
  CommandFailedException(ExecResult result) {
    super("`" + String.join(" ", result.command()) + "` exited " + result.exitCode() + describe(result));
    this.command = result.command();
    this.result = result;
  }

  /** The command could not start, or was killed for taking too long. */
  CommandFailedException(List<String> command, String problem, Throwable cause) {
    super("`" + String.join(" ", command) + "` " + problem, cause);
    this.command = List.copyOf(command);
    this.result = null;
  }

  public List<String> command() {
    return command;
  }

  /** What the command printed and how it exited, if it ran to the end. */
  public Optional<ExecResult> result() {
    return Optional.ofNullable(result);
  }

  private static String describe(ExecResult r) {
    String output = (r.stderr().strip() + "\n" + r.stdout().strip()).strip();
    return output.isEmpty() ? "" : ": " + output;
  }
}
