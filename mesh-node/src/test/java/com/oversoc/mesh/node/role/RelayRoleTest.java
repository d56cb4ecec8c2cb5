package com.oversoc.mesh.node.role;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.control.AuthKey;
import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.actors.control.ControlClientSettings;
import com.oversoc.mesh.actors.control.MachineKeyFile;
import com.oversoc.mesh.actors.control.TcpControlDialer;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.node.cli.ExitCodes;
import com.oversoc.mesh.node.config.ConfigLoader;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.stun.StunCodec;
import com.oversoc.mesh.protocol.stun.StunMessage;
import com.oversoc.mesh.protocol.stun.TransactionId;
import com.oversoc.mesh.relay.RelayKeyFiles;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ovsgw run} for a relay: a lab relay (key file, allow-list admission, relay, STUN and
 * metrics ports), and a relay that enrolls with its coordinator and admits what its feed lists.
 */
class RelayRoleTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A relay on loopback; {@code admission} is its control section or its allow-list line. */
  private NodeConfig config(int port, int stun, int metrics, String admission) throws Exception {
    Path conf = Files.writeString(dir.resolve("relay.conf"), """
        ovsgw {
          role = relay
          node { name = "relay-lab-1", state-dir = "%s" }
          %s
          relay {
            listen-address = "127.0.0.1"
            listen-port = %d
            stun-port = %d
            metrics.listen-port = %d
          }
        }
        """.formatted(dir.resolve("state"), admission, port, stun, metrics));
    return ConfigLoader.load(conf, Map.of());
  }

  private static String allowList(Path file) {
    return "relay.admission.allow-list-file = \"" + file + "\"";
  }

  private static final class Inbox implements RelayClient.Listener {
    final List<byte[]> packets = new CopyOnWriteArrayList<>();

    @Override
    public void onPacket(NodePublicKey source, byte[] packet) {
      packets.add(packet);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 20 s");
      Thread.sleep(20);
    }
  }

  @Test
  void aLabRelayAdmitsItsAllowListAndServesStunAndMetrics() throws Exception {
    NodePrivateKey a = NodePrivateKey.generate(RANDOM);
    NodePrivateKey b = NodePrivateKey.generate(RANDOM);
    Path allow = Files.writeString(dir.resolve("allow.keys"),
        a.publicKey().toBase64() + " node-a\n" + b.publicKey().toBase64() + " node-b\n");
    int port = freePort();
    int stun = freeUdpPort();
    int metrics = freePort();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RoleLauncher.Running running = new RelayLauncher(new PrintStream(printed, true, StandardCharsets.UTF_8))
        .start(config(port, stun, metrics, allowList(allow)));
    ActorSystem<Void> nodes = ActorSystems.create(Behaviors.empty(), "nodes", ConfigFactory.empty());
    try {
      Path keyFile = dir.resolve("state").resolve(RelayKeyFiles.RELAY_KEY_FILE);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
      RelayPrivateKey relayKey = RelayPrivateKey.parse(Files.readString(keyFile).strip());
      assertTrue(printed.toString(StandardCharsets.UTF_8).contains(relayKey.publicKey().toBase64()),
          "the first start prints the public key for the relay map");

      Inbox inboxB = new Inbox();
      RelayClient ca = client(nodes, port, relayKey, a, new Inbox());
      RelayClient cb = client(nodes, port, relayKey, b, inboxB);
      await(() -> ca.state() == RelayClient.State.CONNECTED && cb.state() == RelayClient.State.CONNECTED);
      ca.send(b.publicKey(), new byte[] {1, 2, 3});
      await(() -> inboxB.packets.size() == 1);
      assertArrayEquals(new byte[] {1, 2, 3}, inboxB.packets.get(0));

      try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        byte[] request = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(RANDOM)));
        socket.setSoTimeout(5000);
        socket.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", stun)));
        DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
        socket.receive(reply);
        StunMessage m = StunCodec.decode(reply.getData(), reply.getLength());
        assertEquals(socket.getLocalPort(), m.mappedAddress().orElseThrow().port());
      }

      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metrics + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(r.body().contains("ovsgw_relay_clients 2\n"), r.body());
      assertTrue(r.body().contains("ovsgw_stun_requests_total{outcome=\"answered\"} 1\n"), r.body());
      ca.close();
      cb.close();
    } finally {
      nodes.terminate();
      running.close();
    }

    // A second start on the same state directory keeps the key and prints nothing.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    RoleLauncher.Running second = new RelayLauncher(new PrintStream(again, true, StandardCharsets.UTF_8))
        .start(config(freePort(), freeUdpPort(), freePort(), allowList(allow)));
    second.close();
    assertFalse(again.toString(StandardCharsets.UTF_8).contains("Relay public key"));
  }

  /** An admin command that must succeed. */
  private static LoopbackCoordinator.Result ok(int port, Path tokenFile, String... args) {
    LoopbackCoordinator.Result r = LoopbackCoordinator.admin(port, tokenFile, args);
    assertEquals(ExitCodes.OK, r.exit(), String.join(" ", args) + ": " + r.err());
    return r;
  }

  /** Records the relay's refusals of one client. */
  private static final class Refusals implements RelayClient.Listener {
    final List<CloseReason> reasons = new CopyOnWriteArrayList<>();

    @Override
    public void onPacket(NodePublicKey source, byte[] packet) {}

    @Override
    public void onStateChanged(RelayClient.State state, Optional<CloseReason> refusal, String detail) {
      refusal.ifPresent(reasons::add);
    }
  }

  @Test
  void aRelayEnrollsWithARelayKeyAndAdmitsTheKeysItsCoordinatorLists() throws Exception {
    int control = freePort();
    int adminPort = freePort();
    Path coordinatorConf = LoopbackCoordinator.config(dir.resolve("coordinator.conf"), dir.resolve("coordinator"),
        control, adminPort);
    ByteArrayOutputStream coordinatorOut = new ByteArrayOutputStream();
    ActorSystem<Void> nodes = ActorSystems.create(Behaviors.empty(), "nodes", ConfigFactory.empty());
    try (RoleLauncher.Running coordinator = new CoordinatorLauncher(
        new PrintStream(coordinatorOut, true, StandardCharsets.UTF_8)).start(ConfigLoader.load(coordinatorConf, Map.of()))) {
      String printed = coordinatorOut.toString(StandardCharsets.UTF_8);
      CoordinatorPublicKey coordinatorKey = LoopbackCoordinator.printedKey(printed);
      Path tokenFile = Files.writeString(dir.resolve("token"), LoopbackCoordinator.printedToken(printed));

      // The operator creates a relay-role pre-auth key and hands it to the relay in a file.
      String relayAuthKey = ok(adminPort, tokenFile, "keys", "create", "--tenant", "oversoc", "--role", "relay")
          .out().strip();
      Path authKeyFile = Files.writeString(dir.resolve("relay-auth-key"), relayAuthKey + "\n");
      String controlSection = """
          control {
            coordinators = ["127.0.0.1:%d"]
            coordinator-public-key = "%s"
            auth-key-file = "%s"
          }""".formatted(control, coordinatorKey.toBase64(), authKeyFile);
      int port = freePort();
      RoleLauncher.Running relay = new RelayLauncher(new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8)).start(config(port, freeUdpPort(), freePort(), controlSection));
      RoleLauncher.Running restarted = null;
      ControlClient gateway = null;
      try {
        await(() -> !Files.exists(authKeyFile));
        Path state = dir.resolve("state");
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(state.resolve(MachineKeyFile.FILE_NAME))));
        RelayPrivateKey relayKey = RelayPrivateKey.parse(Files.readString(state.resolve(RelayKeyFiles.RELAY_KEY_FILE)).strip());
        String relayRow = ok(adminPort, tokenFile, "nodes", "list").out().lines()
            .filter(l -> l.contains("relay-lab-1")).findFirst().orElseThrow();
        assertTrue(relayRow.contains(" relay "), relayRow);
        String relayId = relayRow.split("\\s+")[0];
        String shown = ok(adminPort, tokenFile, "nodes", "show", relayId).out();
        assertTrue(shown.contains("node_key: " + relayKey.publicKey().toBase64()), "enrolled with its relay key: " + shown);

        // A gateway enrolls (a control client in MESH_NODE mode) and the relay admits its key.
        String gatewayAuthKey = ok(adminPort, tokenFile, "keys", "create", "--tenant", "acme", "--role", "gateway")
            .out().strip();
        MachinePrivateKey gatewayMachine = MachinePrivateKey.generate(RANDOM);
        NodePrivateKey gatewayNode = NodePrivateKey.generate(RANDOM);
        gateway = ControlClient.start(nodes, "gateway", ControlClientSettings.defaults(ControlClientSession.Mode.MESH_NODE,
                List.of(new Endpoint("127.0.0.1", control)), coordinatorKey, gatewayMachine, gatewayNode,
                AuthKey.inline(gatewayAuthKey), "gw-1", "test"),
            new TcpControlDialer(nodes, gatewayMachine, coordinatorKey, SecureChannel.Settings.defaults(), java.util.Optional.empty()),
            new ControlClient.Listener() {});
        ControlClient gw = gateway;
        await(() -> gw.state() == ControlClient.State.STREAMING);
        RelayClient admitted = client(nodes, port, relayKey, gatewayNode, new Inbox());
        await(() -> admitted.state() == RelayClient.State.CONNECTED);
        admitted.close();
        Refusals strangerSaw = new Refusals();
        RelayClient stranger = client(nodes, port, relayKey, NodePrivateKey.generate(RANDOM), strangerSaw);
        await(() -> !strangerSaw.reasons.isEmpty());
        stranger.close();
        assertEquals(CloseReason.NOT_ENROLLED, strangerSaw.reasons.get(0));
        assertTrue(stranger.state() != RelayClient.State.CONNECTED);

        // Restarted on its state directory, the relay is enrolled: no pre-auth key is needed any more.
        relay.close();
        int again = freePort();
        restarted = new RelayLauncher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .start(config(again, freeUdpPort(), freePort(), controlSection));
        RelayClient back = client(nodes, again, relayKey, gatewayNode, new Inbox());
        await(() -> back.state() == RelayClient.State.CONNECTED);
        back.close();

        // Revoked at the coordinator, the relay stops: it could never admit anyone again.
        ok(adminPort, tokenFile, "nodes", "revoke", relayId, "--reason", "retired");
        assertEquals(ExitCodes.FAILURE, restarted.terminated().toCompletableFuture().get(60, TimeUnit.SECONDS));
      } finally {
        if (gateway != null) {
          gateway.close();
        }
        relay.close();
        if (restarted != null) {
          restarted.close();
        }
      }
    } finally {
      nodes.terminate();
      nodes.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static RelayClient client(ActorSystem<?> system, int port, RelayPrivateKey relayKey, NodePrivateKey key,
      RelayClient.Listener listener) {
    return RelayClient.start(system, key.publicKey().shortString().replace('/', '_'), RelayClientSettings.node(true),
        new TcpRelayDialer(system, new Endpoint("127.0.0.1", port), Optional.empty(), key, relayKey.publicKey(),
            SecureChannel.Settings.defaults()), listener);
  }
}
