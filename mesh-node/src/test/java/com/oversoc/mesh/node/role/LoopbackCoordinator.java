package com.oversoc.mesh.node.role;

import com.oversoc.mesh.node.cli.Cli;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A coordinator as {@code ovsgw run} starts it on loopback, driven the way an operator drives
 * one: its configuration file, what its first start prints, and {@code ovsgw admin} against it.
 */
final class LoopbackCoordinator {
  record Result(int exit, String out, String err) {}

  private LoopbackCoordinator() {}

  /** A coordinator's configuration: control protocol and admin API on loopback, state in {@code stateDir}. */
  static Path config(Path file, Path stateDir, int controlPort, int adminPort) throws IOException {
    return Files.writeString(file, """
        ovsgw {
          role = coordinator
          node.state-dir = "%s"
          log.level = warn
          coordinator { listen-address = "127.0.0.1", listen-port = %d, admin-listen-port = %d }
        }
        """.formatted(stateDir, controlPort, adminPort));
  }

  /** {@code ovsgw admin --url ... --token-file ... ARGS}. */
  static Result admin(int port, Path tokenFile, String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "admin";
    all[1] = "--url";
    all[2] = "http://127.0.0.1:" + port;
    all[3] = "--token-file";
    all[4] = tokenFile.toString();
    System.arraycopy(args, 0, all, 5, args.length);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Cli.execute(all, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    return new Result(exit, out.toString(), err.toString());
  }

  /** The admin token a coordinator's first start printed. */
  static String printedToken(String printed) {
    return printed.lines().map(String::strip).filter(l -> l.startsWith("ovsgw-admin-")).findFirst().orElseThrow();
  }

  /** The public key a coordinator's first start printed, for the nodes to pin. */
  static CoordinatorPublicKey printedKey(String printed) {
    return CoordinatorPublicKey.parse(
        printed.lines().map(String::strip).filter(l -> l.length() == 44).findFirst().orElseThrow());
  }
}
