package com.oversoc.mesh.node.role;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.node.config.ConfigLoader;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ovsgw run} for a lab relay: key file, allow-list admission, relay, STUN and metrics ports. */
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

  private NodeConfig config(int port, int stun, int metrics, String allowList) throws Exception {
    Path conf = Files.writeString(dir.resolve("relay.conf"), """
        ovsgw {
          role = relay
          node.state-dir = "%s"
          control {
            coordinators = ["coord.example.net:8443"]
            coordinator-public-key = "BtgbLUKv0Vs+k9BmpdcrBkRv7DjEwrKrHXb4UhlnfAE="
          }
          relay {
            listen-address = "127.0.0.1"
            listen-port = %d
            stun-port = %d
            admission.allow-list-file = "%s"
            metrics.listen-port = %d
          }
        }
        """.formatted(dir.resolve("state"), port, stun, allowList, metrics));
    return ConfigLoader.load(conf, Map.of());
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
        .start(config(port, stun, metrics, allow.toString()));
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
        .start(config(freePort(), freeUdpPort(), freePort(), allow.toString()));
    second.close();
    assertFalse(again.toString(StandardCharsets.UTF_8).contains("Relay public key"));
  }

  @Test
  void withoutAnAdmissionSourceTheRelayRefusesToStartAndSaysWhy() throws Exception {
    NodeConfig config = config(freePort(), freeUdpPort(), freePort(), "");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new RelayLauncher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start(config));
    assertTrue(e.getMessage().contains("ovsgw.relay.admission.allow-list-file"), e.getMessage());
  }

  private static RelayClient client(ActorSystem<?> system, int port, RelayPrivateKey relayKey, NodePrivateKey key,
      RelayClient.Listener listener) {
    return RelayClient.start(system, key.publicKey().shortString().replace('/', '_'), RelayClientSettings.node(true),
        new TcpRelayDialer(system, new Endpoint("127.0.0.1", port), Optional.empty(), key, relayKey.publicKey(),
            SecureChannel.Settings.defaults()), listener);
  }
}
