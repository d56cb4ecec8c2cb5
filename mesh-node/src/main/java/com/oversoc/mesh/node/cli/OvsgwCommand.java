package com.oversoc.mesh.node.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command. Subcommands do the work; on its own it prints usage. */
@Command(
    name = "ovsgw",
    mixinStandardHelpOptions = true,
    versionProvider = OvsgwCommand.Version.class,
    description = "OverSOC Gateway mesh node: coordinator, relay, gateway or platform.",
    subcommands = {VersionCommand.class, RunCommand.class, LocalCommand.class, ConfigCommand.class,
        AdminCommand.class})
public final class OvsgwCommand implements Runnable {
  final Map<String, String> env;

  @Spec CommandSpec spec;

  OvsgwCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return VersionCommand.lines();
    }
  }
}
