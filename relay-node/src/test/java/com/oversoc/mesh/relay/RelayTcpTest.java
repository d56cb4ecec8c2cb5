package com.oversoc.mesh.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.channel.SecureChannel;
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
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay over real loopback TCP, through the secure channel (and TLS): what a deployed relay
 * and its nodes do, including the acceptance runs of 100,000 packets.
 */
class RelayTcpTest {
  private static final RelayFixture F = new RelayFixture();
  private static final int WINDOW = 24; // packets in flight per sender, below the 32-packet queue

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
    a.relay.close();
    b.relay.close();
    relay.shutdown(Optional.empty()).toCompletableFuture().join();
  }

  @Test
  void aHundredThousandPacketsThroughTwoMeshedRelaysWithNoneLost() {
    MeshKey meshKey = MeshKey.generate(RelayFixture.RANDOM);
    RelayPrivateKey k1 = RelayPrivateKey.generate(RelayFixture.RANDOM);
    RelayPrivateKey k2 = RelayPrivateKey.generate(RelayFixture.RANDOM);
    RelayServer r1 = F.server(RelaySettings.defaults(k1, new InetSocketAddress("127.0.0.1", 0)));
    RelayServer r2 = F.server(RelaySettings.defaults(k2, new InetSocketAddress("127.0.0.1", 0)));
    InetSocketAddress a1 = bind(r1);
    InetSocketAddress a2 = bind(r2);
    r1.shutdown(Optional.empty()).toCompletableFuture().join();
    r2.shutdown(Optional.empty()).toCompletableFuture().join();
    // Now that the ports are known, the real pair: each lists the other as its sibling.
    MeshPeer p1 = new MeshPeer(new Endpoint("127.0.0.1", a1.getPort()), k1.publicKey());
    MeshPeer p2 = new MeshPeer(new Endpoint("127.0.0.1", a2.getPort()), k2.publicKey());
    RelayServer m1 = F.server(RelaySettings.defaults(k1, a1).withMesh(meshKey, List.of(p2)));
    RelayServer m2 = F.server(RelaySettings.defaults(k2, a2).withMesh(meshKey, List.of(p1)));
    bind(m1);
    bind(m2);
    Map<RelayServer, RelayPrivateKey> keys = Map.of(m1, k1, m2, k2);
    for (RelayServer m : List.of(m1, m2)) {
      m.startMesh(peer -> new TcpRelayDialer(F.kit.system(), peer.address(), Optional.empty(), keys.get(m),
          peer.key(), SecureChannel.Settings.defaults()));
    }
    Client a = tcp(m1, a1, F.enrolledPrivate());
    Client b = tcp(m2, a2, F.enrolledPrivate());
    F.await(() -> assertTrue(m1.knowsRemote(b.key) && m2.knowsRemote(a.key)));
    send(a, b, 100_000);
    send(b, a, 1_000);
    assertNoDrops(m1);
    assertNoDrops(m2);
    a.relay.close();
    b.relay.close();
    m1.shutdown(Optional.empty()).toCompletableFuture().join();
    m2.shutdown(Optional.empty()).toCompletableFuture().join();
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
    lost.relay.close();
    stranger.relay.close();
    victim.relay.close();
    relay.shutdown(Optional.empty()).toCompletableFuture().join();
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
    RelayServer second = RelayServer.create(F.kit.system(), new RelaySettings(settings.privateKey(), at,
        Optional.empty(), settings.sendQueuePackets(), settings.writeTimeout(), settings.keepalive(),
        settings.keepaliveJitter(), settings.clientRateBytesPerSecond(), settings.clientBurstBytes(),
        settings.acceptsPerSecond(), settings.acceptBurst(), settings.admissionGrace(), Optional.empty(), List.of()),
        F.keys, new RelayMetrics(), SystemClocks.MONOTONIC);
    bind(second);
    F.await(() -> assertTrue(a.admissions.get() == 2 && b.admissions.get() == 2));
    assertTrue(a.refusals.contains(CloseReason.SHUTTING_DOWN));
    a.relay.send(b.key, new byte[] {1});
    F.await(() -> assertEquals(1, b.packets.size()));
    a.relay.close();
    b.relay.close();
    second.shutdown(Optional.empty()).toCompletableFuture().join();
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

    RelayServer relay = F.server(RelayFixture.settings().withTls(RelayTls.serverContext(cert, key)));
    InetSocketAddress at = bind(relay);
    SSLContext trusting = trusting(cert);
    Client a = F.tcpClient(at, relay.publicKey(), F.enrolledPrivate(), Optional.of(trusting), RelayClientSettings.node(true));
    Client b = F.tcpClient(at, relay.publicKey(), F.enrolledPrivate(), Optional.of(trusting), RelayClientSettings.node(true));
    F.await(() -> assertTrue(a.connected() && b.connected()));
    send(a, b, 1000);

    // A client that does not trust the certificate never gets to the channel.
    Client doubter = F.tcpClient(at, relay.publicKey(), F.enrolledPrivate(),
        Optional.of(SSLContext.getDefault()), RelayClientSettings.node(true));
    F.await(() -> assertTrue(doubter.relay.state() == com.oversoc.mesh.actors.relay.RelayClient.State.BACKING_OFF));
    assertEquals(0, doubter.admissions.get());
    for (Client c : List.of(a, b, doubter)) {
      c.relay.close();
    }
    relay.shutdown(Optional.empty()).toCompletableFuture().join();
  }

  @Test
  void badTlsFilesAreTypedErrorsNamingTheFile(@TempDir Path dir) throws Exception {
    Path notPem = dir.resolve("cert.pem");
    java.nio.file.Files.writeString(notPem, "hello");
    RelayTls.TlsConfigException e = org.junit.jupiter.api.Assertions.assertThrows(RelayTls.TlsConfigException.class,
        () -> RelayTls.serverContext(notPem, notPem));
    assertTrue(e.getMessage().contains(notPem.toString()), e.getMessage());
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (FileInputStream in = new FileInputStream(certificate.toFile())) {
      for (Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("relay", c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
