package com.oversoc.mesh.node.cli;

import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.local.LocalMesh;
import com.oversoc.mesh.node.logging.LoggingSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ovsgw local}: a coordinator, a relay, a gateway, a platform and a sample API on loopback, until Ctrl-C. */
@Command(name = "local", description = "Start a whole mesh on loopback (coordinator, relay, gateway with a sample "
    + "HTTP API behind it, platform with a port forward to it) and print a curl command that crosses it. "
    + "Runs until Ctrl-C, then stops everything it started.")
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".ovsgw-local",
      description = "Keys, databases and configurations of the local nodes (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--forward-port", paramLabel = "PORT", defaultValue = "18080",
      description = "Loopback port of the platform's forward to the sample API (default: ${DEFAULT-VALUE}; 0 picks one).")
  int forwardPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (forwardPort < 0 || forwardPort > 65535) {
      err.println("ovsgw local: --forward-port " + forwardPort + " is out of range; accepted: 0..65535");
      return ExitCodes.USAGE;
    }
    LoggingSetup.apply(new NodeConfig.LogSettings(NodeConfig.LogFormat.TEXT, "warn"));
    LocalMesh mesh;
    try {
      mesh = LocalMesh.start(stateDir, forwardPort);
    } catch (java.net.BindException e) {
      err.println("ovsgw local: port " + forwardPort + " is in use; choose another with --forward-port");
      return ExitCodes.FAILURE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      mesh.close();
      stopped.countDown();
    }, "ovsgw-local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("A local OverSOC mesh runs on loopback (state in " + stateDir.toAbsolutePath() + "):");
    out.println("  coordinator, relay, gateway " + LocalMesh.GATEWAY + " (sample API on " + mesh.api().address()
        + "), platform " + LocalMesh.PLATFORM + " (forward 127.0.0.1:" + mesh.forwardPort() + " -> "
        + LocalMesh.GATEWAY + ")");
    out.println("Reach the sample API through the mesh:");
    out.println("  " + mesh.curlCommand());
    out.println("Ctrl-C stops everything.");
    out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
