package com.oversoc.mesh.node.cli;


import com.oversoc.mesh.node.config.ConfigLoader;
import com.oversoc.mesh.node.config.InvalidConfigException;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.logging.LoggingSetup;
import com.oversoc.mesh.node.role.RoleLauncher;
import com.oversoc.mesh.node.role.Roles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run the role named in the configuration file until stopped.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand OvsgwCommand root;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The node's HOCON configuration, e.g. config/gateway.conf.")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    NodeConfig config;
    try {
      config = ConfigLoader.load(configFile, root.env);
    } catch (InvalidConfigException e) {
      ConfigCommand.printProblems(spec.commandLine().getErr(), e);
      return ExitCodes.USAGE;
    }
    LoggingSetup.apply(config.log());

    RoleLauncher.Running running = Roles.launcher(config.role()).start(config);
    Thread stopper = new Thread(running::close, "ovsgw-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      return running.terminated().toCompletableFuture().join();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already closing the role.
      }
      running.close();
    }
  }
}
