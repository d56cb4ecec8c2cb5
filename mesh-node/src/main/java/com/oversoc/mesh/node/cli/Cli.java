package com.oversoc.mesh.node.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code ovsgw} binary. */
public final class Cli {
  private Cli() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(execute(args, out, err, System.getenv()));
  }

  /** Runs one command line; returns the process exit code (see {@link ExitCodes}). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
    CommandLine cl = new CommandLine(new OvsgwCommand(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("ovsgw: " + e);
      return ExitCodes.FAILURE;
    });
    return cl.execute(args);
  }
}
