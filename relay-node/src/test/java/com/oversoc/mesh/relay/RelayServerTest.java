package com.oversoc.mesh.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrame.Health;
import com.oversoc.mesh.protocol.relay.RelayFrame.KeepAlive;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerGone;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.Pong;
import com.oversoc.mesh.protocol.relay.RelayFrame.RecvPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.RelayFixture.Client;
import com.oversoc.mesh.relay.RelayFixture.Raw;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay server over in-memory connections: admission, routing, queue bounds, closing reasons. */
class RelayServerTest {
  private static final RelayFixture F = new RelayFixture();

  @AfterEach
  void cleanUp() {
    F.cleanUp();
  }

  @AfterAll
  static void stop() {
    F.close();
  }

  private static byte[] numbered(int i) {
    return ByteBuffer.allocate(1200).putInt(i).array();
  }

  @Test
  void twoClientsExchangePackets() {
    RelayServer relay = F.server(RelayFixture.settings());
    Client a = F.client(relay, F.enrolled());
    Client b = F.client(relay, F.enrolled());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    assertTrue(relay.isConnected(a.key) && relay.isConnected(b.key));
    a.relay.send(b.key, new byte[] {1, 2, 3});
    b.relay.send(a.key, new byte[] {4});
    F.await(() -> assertEquals(1, b.packets.size()));
    F.await(() -> assertEquals(1, a.packets.size()));
    assertArrayEquals(new byte[] {1, 2, 3}, b.packets.get(0));
    assertEquals(a.key, b.sources.get(0));
    assertEquals(b.key, a.sources.get(0));
    assertEquals(2, relay.metrics().packetsForwarded());
  }

  @Test
  void aHundredThousandPacketsThroughOneRelayArriveInOrderWithNoneLost() {
    RelayServer relay = F.server(RelayFixture.settings());
    Client a = F.client(relay, F.enrolled());
    Client b = F.client(relay, F.enrolled());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    int total = 100_000;
    int window = 24; // below the 32-packet queue: nobody is overloaded
    for (int i = 0; i < total; i++) {
      int sent = i;
      RelayFixture.waitUntil(() -> sent - b.packets.size() < window);
      assertTrue(a.relay.send(b.key, numbered(i)));
    }
    F.await(() -> assertEquals(total, b.packets.size()));
    for (int i = 0; i < total; i += 997) {
      assertEquals(i, ByteBuffer.wrap(b.packets.get(i)).getInt());
    }
    for (DropReason r : DropReason.values()) {
      assertEquals(0, relay.metrics().dropped(r), r.label());
    }
  }

  @Test
  void aClientOverItsRateIsSlowedDownNotDroppedAndOthersAreNot() {
    long rate = 200_000;
    long burst = 20_000;
    RelaySettings d = RelayFixture.settings();
    RelayServer relay = F.server(new RelaySettings(d.privateKey(), d.listen(), d.tls(), d.sendQueuePackets(),
        d.writeTimeout(), d.keepalive(), d.keepaliveJitter(), rate, burst, d.acceptsPerSecond(), d.acceptBurst(),
        d.admissionGrace(), d.meshKey(), d.meshPeers()));
    Client a = F.client(relay, F.enrolled());
    Client b = F.client(relay, F.enrolled());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    int packets = 500;
    int size = 1200; // 600 kB at 200 kB/s after a 20 kB burst: at least 2.9 s
    long start = System.nanoTime();
    for (int i = 0; i < packets; i++) {
      int sent = i;
      RelayFixture.waitUntil(() -> sent - b.packets.size() < 24); // within the queues: nothing may be dropped
      assertTrue(a.relay.send(b.key, new byte[size]));
    }
    F.await(() -> assertEquals(packets, b.packets.size()));
    double seconds = (System.nanoTime() - start) / 1e9;
    long bytes = (long) packets * size;
    assertTrue(seconds >= (bytes - burst - 2L * size) / (double) rate,
        String.format("%d bytes in %.2f s: faster than the %d B/s limit allows", bytes, seconds, rate));
    for (DropReason r : DropReason.values()) {
      assertEquals(0, relay.metrics().dropped(r), r.label());
    }
    // The limit is per client: B, which sent nothing, sends its own burst at once.
    long bStart = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      assertTrue(b.relay.send(a.key, new byte[size]));
    }
    F.await(() -> assertEquals(10, a.packets.size()));
    assertTrue((System.nanoTime() - bStart) / 1e9 < 1.0, "another client's 12 kB burst is not held back");
  }

  @Test
  void anUnknownKeyIsRefusedWithItsReason() {
    RelayServer relay = F.server(RelayFixture.settings());
    Client stranger = F.client(relay, RelayFixture.nodeKey().publicKey());
    F.await(() -> assertTrue(stranger.refusals.contains(CloseReason.NOT_ENROLLED)));
    assertFalse(relay.isConnected(stranger.key));
    assertEquals(0, stranger.admissions.get());
    assertTrue(relay.metrics().closedFor(CloseReason.NOT_ENROLLED) >= 1);
  }

  @Test
  void aRevokedKeyIsDisconnectedAtOnceAndItsPeersAreTold() {
    RelayServer relay = F.server(RelayFixture.settings());
    Client victim = F.client(relay, F.enrolled());
    Client peer = F.client(relay, F.enrolled());
    F.await(() -> assertTrue(victim.connected() && peer.connected()));
    peer.relay.send(victim.key, new byte[] {1});
    F.await(() -> assertEquals(1, victim.packets.size()));

    F.keys.revoke(victim.key);
    F.await(() -> assertTrue(victim.refusals.contains(CloseReason.REVOKED)));
    F.await(() -> assertFalse(relay.isConnected(victim.key)));
    F.await(() -> assertTrue(peer.gone.contains(Pair.create(victim.key, PeerGoneReason.REVOKED))));
    // It keeps trying, and is refused as revoked, not as unknown.
    int before = victim.refusals.size();
    F.await(() -> assertTrue(victim.refusals.size() > before));
    assertEquals(CloseReason.REVOKED, victim.refusals.get(victim.refusals.size() - 1));
  }

  @Test
  void withoutWordFromTheCoordinatorNewClientsAreRefusedButConnectedOnesStay() {
    AtomicReference<Long> now = new AtomicReference<>(0L);
    var keys = new com.oversoc.mesh.relay.admission.ActiveKeySet(now::get);
    RelayServer relay = F.track(RelayServer.create(F.kit.system(),
        RelayFixture.settings().withAdmissionGrace(Duration.ofMinutes(5)), keys,
        new com.oversoc.mesh.relay.metrics.RelayMetrics(), now::get));
    NodePublicKey early = RelayFixture.nodeKey().publicKey();
    NodePublicKey late = RelayFixture.nodeKey().publicKey();
    keys.replaceAll(java.util.List.of(early, late));
    Client a = F.client(() -> relay, early, RelayClientSettings.node(true));
    F.await(() -> assertTrue(a.connected()));

    now.set(Duration.ofMinutes(6).toNanos()); // the coordinator has been silent for longer than the grace
    Client b = F.client(() -> relay, late, RelayClientSettings.node(true));
    F.await(() -> assertTrue(b.refusals.contains(CloseReason.ADMISSION_UNAVAILABLE)));
    assertTrue(a.connected(), "admitted clients keep working");
    assertTrue(a.relay.send(a.key, new byte[] {7}));
    F.await(() -> assertEquals(1, a.packets.size()));

    keys.confirm(); // the coordinator is back
    F.await(() -> assertTrue(b.connected()));
  }

  @Test
  void aMalformedFrameClosesOnlyThatClientWithAReason() {
    RelayServer relay = F.server(RelayFixture.settings());
    Client a = F.client(relay, F.enrolled());
    Client b = F.client(relay, F.enrolled());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    Raw bad = F.raw(relay, F.enrolled());
    bad.send(new ClientInfo(RelayProtocol.VERSION, false));
    assertInstanceOf(ServerInfo.class, bad.next());
    bad.out().sendNext(ByteString.fromArray(HexFormat.of().parseHex("03" + "00000004" + "01020304"))); // SEND_PACKET without a key

    Closing closing = bad.next(Closing.class);
    assertEquals(CloseReason.MALFORMED_FRAME, closing.reason());
    assertTrue(closing.detail().contains("SEND_PACKET"), closing.detail());
    bad.in().request(1);
    bad.in().expectComplete();

    a.relay.send(b.key, new byte[] {42});
    F.await(() -> assertEquals(1, b.packets.size()));
    assertTrue(a.connected() && b.connected());
  }

  @Test
  void anOversizedFrameIsRefusedOnItsHeader() {
    RelayServer relay = F.server(RelayFixture.settings());
    Raw bad = F.raw(relay, F.enrolled());
    bad.send(new ClientInfo(RelayProtocol.VERSION, false));
    bad.next(ServerInfo.class);
    bad.out().sendNext(ByteString.fromArray(HexFormat.of().parseHex("03" + "7fffffff")));
    assertEquals(CloseReason.MALFORMED_FRAME, bad.next(Closing.class).reason());
  }

  @Test
  void aPacketBeforeTheHelloIsAProtocolViolation() {
    RelayServer relay = F.server(RelayFixture.settings());
    NodePublicKey key = F.enrolled();
    Raw raw = F.raw(relay, key);
    raw.send(new SendPacket(key, new byte[] {1}));
    Closing c = raw.next(Closing.class);
    assertEquals(CloseReason.PROTOCOL_VIOLATION, c.reason());
    assertFalse(relay.isConnected(key));
  }

  @Test
  void aNodeMayNotForwardLikeASibling() {
    RelayServer relay = F.server(RelayFixture.settings());
    NodePublicKey key = F.enrolled();
    Raw raw = F.raw(relay, key);
    raw.send(new ClientInfo(RelayProtocol.VERSION, true));
    raw.next(ServerInfo.class);
    raw.send(new RelayFrame.ForwardPacket(key, key, new byte[] {1}));
    assertEquals(CloseReason.PROTOCOL_VIOLATION, raw.next(Closing.class).reason());
  }

  @Test
  void anUnsupportedVersionIsRefused() {
    RelayServer relay = F.server(RelayFixture.settings());
    Raw raw = F.raw(relay, F.enrolled());
    raw.send(new ClientInfo(RelayProtocol.VERSION + 1, true));
    assertEquals(CloseReason.UNSUPPORTED_VERSION, raw.next(Closing.class).reason());
  }

  @Test
  void pingsAreAnsweredAndUnknownDestinationsReported() {
    RelayServer relay = F.server(RelayFixture.settings());
    Raw raw = F.raw(relay, F.enrolled());
    raw.send(new ClientInfo(RelayProtocol.VERSION, true));
    raw.next(ServerInfo.class);
    raw.send(new Ping(77));
    assertEquals(new Pong(77), raw.next(Pong.class));
    NodePublicKey nobody = RelayFixture.nodeKey().publicKey();
    raw.send(new SendPacket(nobody, new byte[] {1}));
    assertEquals(new PeerGone(nobody, PeerGoneReason.NOT_HERE), raw.next(PeerGone.class));
    assertEquals(1, relay.metrics().dropped(DropReason.UNKNOWN_DESTINATION));
  }

  @Test
  void keepalivesArriveOnTheirInterval() {
    RelayServer relay = F.server(RelayFixture.settings().withKeepalive(Duration.ofMillis(100), Duration.ofMillis(50)));
    Raw raw = F.raw(relay, F.enrolled());
    raw.send(new ClientInfo(RelayProtocol.VERSION, true));
    ServerInfo info = raw.next(ServerInfo.class);
    assertEquals(Duration.ofMillis(100), info.keepalive());
    assertInstanceOf(KeepAlive.class, raw.next());
    assertInstanceOf(KeepAlive.class, raw.next());
  }

  /**
   * A client that stops reading: its queue never holds more than 32 packets, the overflow is
   * counted, the write timeout disconnects it, and everyone else's packets all arrive meanwhile.
   * The write timeout is the default (2 s): a shorter one could also cut a reading client whose
   * stream a loaded machine did not run for that long, and the test counts exactly one timeout.
   */
  @Test
  void aClientThatStopsReadingIsBoundedCountedAndDisconnectedWhileOthersFlow() {
    RelayServer relay = F.server(RelayFixture.settings());
    Client sender = F.client(relay, F.enrolled());
    Client c = F.client(relay, F.enrolled());
    Client d = F.client(relay, F.enrolled());
    NodePublicKey stalledKey = F.enrolled();
    Raw stalled = F.raw(relay, stalledKey);
    stalled.send(new ClientInfo(RelayProtocol.VERSION, false));
    stalled.next(ServerInfo.class); // it read this much, then stopped reading
    F.await(() -> assertTrue(sender.connected() && c.connected() && d.connected() && relay.isConnected(stalledKey)));

    Thread flood = new Thread(() -> {
      for (int i = 0; i < 1000; i++) {
        sender.relay.send(stalledKey, numbered(i));
      }
    });
    flood.start();
    for (int i = 0; i < 100; i++) { // meanwhile the others keep talking, within their queues
      int sent = i;
      RelayFixture.waitUntil(() -> sent - d.packets.size() < 16);
      c.relay.send(d.key, numbered(i));
    }
    F.await(() -> assertEquals(100, d.packets.size()));
    F.await(() -> assertFalse(flood.isAlive()));
    F.await(() -> assertFalse(relay.isConnected(stalledKey)));
    long[] depths = relay.metrics().depthHistogram();
    assertEquals(0, depths[depths.length - 1], "no queue ever held more than 32 packets");
    assertTrue(relay.metrics().dropped(DropReason.QUEUE_FULL) > 0, "the overflow was counted");
    assertTrue(relay.metrics().dropped(DropReason.WRITE_ERROR) > 0, "what it left queued was counted");
    assertEquals(1, relay.metrics().writeTimeouts());
    assertTrue(c.connected() && d.connected() && sender.connected());
  }

  @Test
  void aSecondConnectionWithTheSameKeyTakesOverAndTheFirstIsToldWhy() {
    RelayServer relay = F.server(RelayFixture.settings());
    NodePublicKey key = F.enrolled();
    Raw first = F.raw(relay, key);
    first.send(new ClientInfo(RelayProtocol.VERSION, true));
    first.next(ServerInfo.class);
    Raw second = F.raw(relay, key);
    second.send(new ClientInfo(RelayProtocol.VERSION, true));
    second.next(ServerInfo.class);
    assertTrue(second.next(Health.class).problem().contains("two nodes share one key"));
    assertEquals(CloseReason.REPLACED, first.next(Closing.class).reason());

    Client sender = F.client(relay, F.enrolled());
    F.await(() -> assertTrue(sender.connected()));
    sender.relay.send(key, new byte[] {5});
    RecvPacket p = second.next(RecvPacket.class);
    assertEquals(sender.key, p.source());
    assertTrue(relay.isConnected(key), "the newer connection is the key's route");
  }

  @Test
  void aSiblingWithTheWrongMeshKeyIsRefused() {
    RelayServer relay = F.server(RelayFixture.settings().withMesh(MeshKey.generate(RelayFixture.RANDOM), java.util.List.of()));
    Raw raw = F.raw(relay, RelayFixture.nodeKey().publicKey());
    raw.send(new MeshHello(RelayProtocol.VERSION, MeshKey.generate(RelayFixture.RANDOM)));
    assertEquals(CloseReason.MESH_KEY_MISMATCH, raw.next(Closing.class).reason());
  }

  @Test
  void aRestartingRelayTellsItsClientsWhoComeBackToTheNewOne() {
    AtomicReference<RelayServer> current = new AtomicReference<>(F.server(RelayFixture.settings()));
    Client a = F.client(current::get, F.enrolled(), RelayClientSettings.node(true));
    F.await(() -> assertTrue(a.connected()));
    RelayServer old = current.get();
    current.set(F.server(RelayFixture.settings()));
    old.shutdown(Optional.of(new ServerRestarting(Duration.ofMillis(300), Duration.ofSeconds(5))))
        .toCompletableFuture().join();
    F.await(() -> assertTrue(a.refusals.contains(CloseReason.SHUTTING_DOWN)));
    F.await(() -> assertEquals(2, a.admissions.get()));
    assertTrue(current.get().isConnected(a.key));
    assertEquals(0, old.openConnections());
  }

  @Test
  void metricsRenderEveryFamily() {
    RelayServer relay = F.server(RelayFixture.settings());
    String text = relay.metrics().render();
    for (String name : new String[] {"ovsgw_relay_clients ", "ovsgw_relay_packets_forwarded_total ",
        "ovsgw_relay_bytes_forwarded_total ", "ovsgw_relay_packets_dropped_total{reason=\"queue_full\"} ",
        "ovsgw_relay_packets_dropped_total{reason=\"unknown_destination\"} ",
        "ovsgw_relay_packets_dropped_total{reason=\"write_error\"} ",
        "ovsgw_relay_packets_dropped_total{reason=\"duplicate_client\"} ",
        "ovsgw_relay_packets_dropped_total{reason=\"gone\"} ", "ovsgw_relay_send_queue_depth_bucket{le=\"32\"} ",
        "ovsgw_relay_send_queue_depth_bucket{le=\"+Inf\"} ", "ovsgw_relay_connections_closed_total{reason=\"revoked\"} ",
        "ovsgw_stun_requests_total{outcome=\"answered\"} "}) {
      assertTrue(text.contains(name), name + " in\n" + text);
    }
  }
}
