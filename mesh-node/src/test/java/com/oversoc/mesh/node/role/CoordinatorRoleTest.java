package com.oversoc.mesh.node.role;

import static com.oversoc.mesh.node.role.LoopbackCoordinator.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.control.ControlClientConnection;
import com.oversoc.mesh.node.cli.ExitCodes;
import com.oversoc.mesh.node.config.ConfigLoader;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.role.LoopbackCoordinator.Result;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ovsgw run} for the coordinator and {@code ovsgw admin} against it: first start, the
 * admin CLI end to end over HTTP, a node enrolling over TCP and the secure channel with a key the
 * CLI made and being revoked through the CLI, and a restart on the same state directory.
 */
class CoordinatorRoleTest {
  @TempDir Path dir;
  ActorSystem<Void> clients;

  @BeforeEach
  void startClients() {
    clients = ActorSystems.create(Behaviors.empty(), "nodes", ConfigFactory.empty());
  }

  @AfterEach
  void stopClients() {
    clients.terminate();
    clients.getWhenTerminated().toCompletableFuture().join();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void firstStartPrintsKeyAndTokenOnceAndTheAdminCliDrivesIt() throws Exception {
    int control = freePort();
    int adminPort = freePort();
    Path state = dir.resolve("state");
    Path conf = LoopbackCoordinator.config(dir.resolve("coordinator.conf"), state, control, adminPort);
    NodeConfig config = ConfigLoader.load(conf, Map.of());

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Path tokenFile = dir.resolve("token");
    try (RoleLauncher.Running r = new CoordinatorLauncher(new PrintStream(printed, true, StandardCharsets.UTF_8))
        .start(config)) {
      String out = printed.toString(StandardCharsets.UTF_8);
      assertTrue(out.contains("Coordinator public key"), out);
      String token = LoopbackCoordinator.printedToken(out);
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(state.resolve("coordinator.key"))));
      Files.writeString(tokenFile, token + "\n");

      Result created = admin(adminPort, tokenFile, "keys", "create", "--tenant", "acme", "--role", "gateway",
          "--tag", "dmz", "--expiry", "2h");
      assertEquals(ExitCodes.OK, created.exit(), created.err());
      assertTrue(created.out().strip().startsWith("ovsgw-key-"), created.out());
      assertTrue(created.err().contains("one-off"), created.err());

      Result list = admin(adminPort, tokenFile, "keys", "list");
      assertEquals(ExitCodes.OK, list.exit(), list.err());
      assertTrue(list.out().contains("acme") && list.out().contains("valid"), list.out());
      assertFalse(list.out().contains(created.out().strip()), "listings never show the secret");

      Path badPolicy = Files.writeString(dir.resolve("bad.conf"), "grants = [ { platforms { tenant = X } } ]\n");
      Result refused = admin(adminPort, tokenFile, "policy", "set", badPolicy.toString());
      assertEquals(ExitCodes.USAGE, refused.exit());
      assertTrue(refused.err().contains("grants[0].platforms.tenant: 'X' is not a tenant name"), refused.err());
      assertTrue(refused.err().contains("grants[0].gateways: missing"), refused.err());

      Path policy = Files.writeString(dir.resolve("policy.conf"), "platform-to-platform = true\n");
      Result set = admin(adminPort, tokenFile, "policy", "set", policy.toString());
      assertEquals(ExitCodes.OK, set.exit(), set.err());
      assertEquals("policy version 1 is in force", set.out().strip());
      Result show = admin(adminPort, tokenFile, "policy", "show");
      assertTrue(show.out().startsWith("# policy version 1"), show.out());
      assertTrue(show.out().contains("platform-to-platform = true"), show.out());

      // A node enrolls over TCP and the secure channel with the key the CLI created, pinning the
      // key the coordinator printed; the CLI then lists it and revokes it, and the node is told.
      CoordinatorPublicKey pinned = LoopbackCoordinator.printedKey(out);
      ControlClientSession node = enroll(control, pinned, created.out().strip());
      Result nodes = admin(adminPort, tokenFile, "nodes", "list");
      assertEquals(ExitCodes.OK, nodes.exit(), nodes.err());
      assertTrue(nodes.out().contains("edge-1") && nodes.out().contains("100.64.0.1"), nodes.out());
      Result revoked = admin(adminPort, tokenFile, "nodes", "revoke", "1", "--reason", "decommissioned");
      assertEquals(ExitCodes.OK, revoked.exit(), revoked.err());
      await(() -> state(node) == ControlClientSession.State.REVOKED, "the node is told it is revoked");
      assertEquals(Optional.of("decommissioned"), node.revokedReason());
      Result missing = admin(adminPort, tokenFile, "nodes", "show", "42");
      assertEquals(ExitCodes.FAILURE, missing.exit());
      assertTrue(missing.err().contains("no node 42"), missing.err());
      Result notANumber = admin(adminPort, tokenFile, "nodes", "revoke", "abc");
      assertEquals(ExitCodes.USAGE, notANumber.exit());

      Result audit = admin(adminPort, tokenFile, "audit", "--limit", "100");
      assertEquals(ExitCodes.OK, audit.exit(), audit.err());
      for (String action : new String[] {"admin_token.create", "preauth_key.create", "policy.set", "node.list"}) {
        assertTrue(audit.out().contains(action), action + " in " + audit.out());
      }

      Path wrong = Files.writeString(dir.resolve("wrong"), token.substring(0, token.length() - 3) + "AAA");
      Result denied = admin(adminPort, wrong, "keys", "list");
      assertEquals(ExitCodes.FAILURE, denied.exit());
      assertTrue(denied.err().contains("missing or invalid admin token"), denied.err());
    }

    // A restart on the same state keeps its key and prints no new token.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (RoleLauncher.Running r = new CoordinatorLauncher(new PrintStream(again, true, StandardCharsets.UTF_8))
        .start(config)) {
      assertEquals("", again.toString(StandardCharsets.UTF_8));
      Result show = admin(adminPort, tokenFile, "policy", "show");
      assertTrue(show.out().startsWith("# policy version 1"), show.out() + show.err());
    }
  }

  /** Enrolls a gateway over TCP and the secure channel; returns its session once it streams. */
  private ControlClientSession enroll(int port, CoordinatorPublicKey pinned, String authKey) throws Exception {
    SecureRandom random = new SecureRandom();
    MachinePrivateKey machine = MachinePrivateKey.generate(random);
    ControlClientSession session = new ControlClientSession(ControlClientSession.Mode.MESH_NODE, machine.publicKey(),
        NodePrivateKey.generate(random), pinned, Optional.of(authKey), "edge-1", "test");
    var transport = SecureChannel.client(ChannelProtocol.CONTROL, machine, pinned, new byte[0],
            SecureChannel.Settings.defaults())
        .join(Tcp.get(clients).outgoingConnection("127.0.0.1", port));
    ControlClientConnection.open(Materializer.createMaterializer(clients), session, transport,
        java.time.InstantSource.system(), Duration.ofSeconds(15), (s, m, r) -> { });
    await(() -> state(session) == ControlClientSession.State.STREAMING, "the node streams its map");
    return session;
  }

  private static ControlClientSession.State state(ControlClientSession s) {
    synchronized (s) {
      return s.state();
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        org.junit.jupiter.api.Assertions.fail("timed out waiting: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aKeyFileReadableByOthersIsRefused() throws Exception {
    Path state = Files.createDirectories(dir.resolve("s"));
    Path key = Files.writeString(state.resolve("coordinator.key"), "BtgbLUKv0Vs+k9BmpdcrBkRv7DjEwrKrHXb4UhlnfAE=\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> com.oversoc.mesh.coordinator.CoordinatorKeyFile.loadOrCreate(state, new java.security.SecureRandom()));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }
}
