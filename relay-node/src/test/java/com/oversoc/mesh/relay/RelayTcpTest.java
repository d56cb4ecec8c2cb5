package com.oversoc.mesh.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.channel.TlsContexts;
import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.relay.RelayFixture.Client;
import com.oversoc.mesh.relay.mesh.MeshPeer;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay over real loopback TCP, through the secure channel (and TLS): what a deployed relay
 * and its nodes do, including the acceptance runs of 100,000 packets.
 */
class RelayTcpTest {
  private static final RelayFixture F = new RelayFixture();
  private static final int WINDOW = 24; // packets in flight per sender, below the 32-packet queue

  @AfterEach
  void cleanUp() {
    F.cleanUp();
  }

  @AfterAll
  static void stop() {
    F.close();
  }

  private static InetSocketAddress bind(RelayServer relay) {
    return relay.bind().toCompletableFuture().join();
  }

  private static Client tcp(RelayServer relay, InetSocketAddress at, NodePrivateKey key) {
    return F.tcpClient(at, relay.publicKey(), key, Optional.empty(), RelayClientSettings.node(true));
  }

  private static void send(Client from, Client to, int total) {
    for (int i = 0; i < total; i++) {
      int sent = i;
      RelayFixture.waitUntil(() -> sent - to.packets.size() < WINDOW);
      from.relay.send(to.key, ByteBuffer.allocate(1200).putInt(i).array());
    }
    F.await(() -> assertEquals(total, to.packets.size()));
    for (int i = 0; i < total; i += 997) {
      assertEquals(i, ByteBuffer.wrap(to.packets.get(i)).getInt());
    }
  }

  private static void assertNoDrops(RelayServer relay) {
    for (DropReason r : DropReason.values()) {
      assertEquals(0, relay.metrics().dropped(r), r.label());
    }
  }

  @Test
  void aHundredThousandPacketsThroughOneRelayOverTcpWithNoneLost() {
    RelayServer relay = F.server(RelayFixture.settings());
    InetSocketAddress at = bind(relay);
    Client a = tcp(relay, at, F.enrolledPrivate());
    Client b = tcp(relay, at, F.enrolledPrivate());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    send(a, b, 100_000);
    assertNoDrops(relay);
  }

  @Test
  void aHundredThousandPacketsThroughTwoMeshedRelaysWithNoneLost() {
    MeshKey meshKey = MeshKey.generate(RelayFixture.RANDOM);
    RelayPrivateKey k1 = RelayPrivateKey.generate(RelayFixture.RANDOM);
    RelayPrivateKey k2 = RelayPrivateKey.generate(RelayFixture.RANDOM);
    // Each lists the other by name; the dialers map a name to the port its relay bound. Both bind
    // port 0, so no other process can take a port between a probe and the real bind.
    MeshPeer p1 = new MeshPeer(new Endpoint("relay-1.test", 443), k1.publicKey());
    MeshPeer p2 = new MeshPeer(new Endpoint("relay-2.test", 443), k2.publicKey());
    RelayServer m1 = F.server(RelaySettings.defaults(k1, new InetSocketAddress("127.0.0.1", 0)).withMesh(meshKey, List.of(p2)));
    RelayServer m2 = F.server(RelaySettings.defaults(k2, new InetSocketAddress("127.0.0.1", 0)).withMesh(meshKey, List.of(p1)));
    InetSocketAddress a1 = bind(m1);
    InetSocketAddress a2 = bind(m2);
    Map<MeshPeer, InetSocketAddress> bound = Map.of(p1, a1, p2, a2);
    Map<RelayServer, RelayPrivateKey> keys = Map.of(m1, k1, m2, k2);
    for (RelayServer m : List.of(m1, m2)) {
      m.startMesh(peer -> new TcpRelayDialer(F.kit.system(), new Endpoint("127.0.0.1", bound.get(peer).getPort()),
          Optional.empty(), keys.get(m), peer.key(), SecureChannel.Settings.defaults()));
    }
    Client a = tcp(m1, a1, F.enrolledPrivate());
    Client b = tcp(m2, a2, F.enrolledPrivate());
    F.await(() -> assertTrue(m1.knowsRemote(b.key) && m2.knowsRemote(a.key)));
    send(a, b, 100_000);
    send(b, a, 1_000);
    assertNoDrops(m1);
    assertNoDrops(m2);
  }

  @Test
  void unknownAndRevokedKeysAreRefusedInTheHandshakeWithTheirReason() {
    RelayServer relay = F.server(RelayFixture.settings());
    InetSocketAddress at = bind(relay);
    Client stranger = tcp(relay, at, RelayFixture.nodeKey());
    F.await(() -> assertTrue(stranger.refusals.contains(CloseReason.NOT_ENROLLED)));
    assertEquals(0, relay.openConnections(), "a refused handshake costs the relay no connection state");

    NodePrivateKey k = F.enrolledPrivate();
    Client victim = tcp(relay, at, k);
    F.await(() -> assertTrue(victim.connected()));
    F.keys.revoke(k.publicKey());
    F.await(() -> assertTrue(victim.refusals.contains(CloseReason.REVOKED)));
    F.await(() -> assertTrue(victim.refusals.size() >= 2, "the next attempt is refused in the handshake"));
    assertEquals(CloseReason.REVOKED, victim.refusals.get(victim.refusals.size() - 1));
    assertFalse(victim.connected());
    assertTrue(relay.metrics().handshakeFailures(ChannelException.Reason.REFUSED) >= 2);

    // A client that pins another relay key fails the handshake; the relay counts why.
    Client lost = F.tcpClient(at, RelayPrivateKey.generate(RelayFixture.RANDOM).publicKey(), F.enrolledPrivate(),
        Optional.empty(), RelayClientSettings.node(true));
    F.await(() -> assertTrue(relay.metrics().handshakeFailures(ChannelException.Reason.HANDSHAKE_FAILED) >= 1));
    assertEquals(0, lost.admissions.get());
  }

  @Test
  void aRelayRestartOnTheSamePortBringsItsClientsBack() {
    RelaySettings settings = RelayFixture.settings();
    RelayServer first = F.server(settings);
    InetSocketAddress at = bind(first);
    Client a = tcp(first, at, F.enrolledPrivate());
    Client b = tcp(first, at, F.enrolledPrivate());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    first.shutdown(Optional.of(new ServerRestarting(Duration.ofMillis(500), Duration.ofSeconds(10))))
        .toCompletableFuture().join();
    RelayServer second = F.track(RelayServer.create(F.kit.system(), new RelaySettings(settings.privateKey(), at,
        Optional.empty(), settings.sendQueuePackets(), settings.writeTimeout(), settings.keepalive(),
        settings.keepaliveJitter(), settings.clientRateBytesPerSecond(), settings.clientBurstBytes(),
        settings.acceptsPerSecond(), settings.acceptBurst(), settings.admissionGrace(), Optional.empty(), List.of()),
        F.keys, new RelayMetrics(), SystemClocks.MONOTONIC));
    bind(second);
    F.await(() -> assertTrue(a.admissions.get() == 2 && b.admissions.get() == 2));
    assertTrue(a.refusals.contains(CloseReason.SHUTTING_DOWN));
    a.relay.send(b.key, new byte[] {1});
    F.await(() -> assertEquals(1, b.packets.size()));
  }

  @Test
  void clientsCanReachTheRelayThroughTls(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
          "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
          "-subj", "/CN=relay.test", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      fail("openssl is not installed: install the Debian package openssl (.ci/run installs it)");
      return;
    }
    assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0,
        new String(openssl.getInputStream().readAllBytes()));

    RelayServer relay = F.server(RelayFixture.settings().withTls(TlsContexts.serverContext(cert, key)));
    InetSocketAddress at = bind(relay);
    SSLContext trusting = TlsContexts.clientContext(Optional.of(cert));
    Client a = F.tcpClient(at, relay.publicKey(), F.enrolledPrivate(), Optional.of(trusting), RelayClientSettings.node(true));
    Client b = F.tcpClient(at, relay.publicKey(), F.enrolledPrivate(), Optional.of(trusting), RelayClientSettings.node(true));
    F.await(() -> assertTrue(a.connected() && b.connected()));
    send(a, b, 1000);

    // A client that does not trust the certificate never gets to the channel.
    Client doubter = F.tcpClient(at, relay.publicKey(), F.enrolledPrivate(),
        Optional.of(SSLContext.getDefault()), RelayClientSettings.node(true));
    F.await(() -> assertTrue(doubter.relay.state() == com.oversoc.mesh.actors.relay.RelayClient.State.BACKING_OFF));
    assertEquals(0, doubter.admissions.get());
  }

  @Test
  void badTlsFilesAreTypedErrorsNamingTheFile(@TempDir Path dir) throws Exception {
    Path notPem = dir.resolve("cert.pem");
    java.nio.file.Files.writeString(notPem, "hello");
    TlsContexts.TlsConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
        TlsContexts.TlsConfigException.class, () -> TlsContexts.serverContext(notPem, notPem));
    assertTrue(e.getMessage().contains(notPem.toString()), e.getMessage());
  }
}
