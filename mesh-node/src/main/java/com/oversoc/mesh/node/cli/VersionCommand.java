package com.oversoc.mesh.node.cli;

import com.oversoc.mesh.protocol.control.ControlProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = "Print the version of ovsgw and of the JDK it runs on.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static String[] lines() {
    return new String[] {
      "ovsgw " + BuildInfo.version() + " (control protocol capability " + ControlProtocol.CAPABILITY_VERSION + ")",
      "java " + BuildInfo.runtime(),
    };
  }

  @Override
  public Integer call() {
    for (String line : lines()) {
      spec.commandLine().getOut().println(line);
    }
    return ExitCodes.OK;
  }
}
