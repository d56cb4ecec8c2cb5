package com.oversoc.mesh.node.cli;

import com.oversoc.mesh.node.config.ConfigLoader;
import com.oversoc.mesh.node.config.ConfigProblem;
import com.oversoc.mesh.node.config.InvalidConfigException;
import com.oversoc.mesh.node.config.NodeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "config", description = "Work with configuration files.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;
  @ParentCommand OvsgwCommand root;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "check", description = {
      "Validate a configuration file (with OVSGW_CONFIG_* overrides) without starting anything.",
      "Exit 0 if valid; exit 2 and one line per problem if not."})
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand ConfigCommand parent;

    @Parameters(paramLabel = "FILE", description = "The HOCON file to check, e.g. config/gateway.conf.")
    Path file;

    @Override
    public Integer call() {
      try {
        NodeConfig config = ConfigLoader.load(file, parent.root.env);
        spec.commandLine().getOut().println(file + ": OK (role " + config.role().configName() + ")");
        return ExitCodes.OK;
      } catch (InvalidConfigException e) {
        printProblems(spec.commandLine().getErr(), e);
        return ExitCodes.USAGE;
      }
    }
  }

  /** One line per problem, prefixed like every other error of the binary. */
  static void printProblems(PrintWriter err, InvalidConfigException e) {
    for (ConfigProblem p : e.problems()) {
      err.println("ovsgw: invalid configuration: " + p);
    }
  }
}
