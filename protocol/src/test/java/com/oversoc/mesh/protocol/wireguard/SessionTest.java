package com.oversoc.mesh.protocol.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.PresharedKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two devices in memory: handshakes, data both ways, and everything a forger or replayer can try. */
class SessionTest {
  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] unpadded(byte[] packet, int length) {
    return java.util.Arrays.copyOf(packet, length);
  }

  @Test
  void aHandshakeOnFirstSendThenDataBothWays() {
    DevicePair p = DevicePair.connected(1);
    p.a.send(text("hello"));
    assertEquals(1, p.a.sent.size(), "the packet waits; an initiation went out");
    assertEquals(148, p.a.sent.get(0).length);
    assertEquals(Peer.State.HANDSHAKING, p.a.peer().state(p.clock.nanos()));
    p.pump();
    // a: initiation; b: response (92); a: the staged packet under the new session.
    assertEquals(92, p.b.sent.get(0).length);
    assertEquals(1, p.b.received.size());
    assertArrayEquals(text("hello"), unpadded(p.b.received.get(0), 5));
    assertEquals(16, p.b.received.get(0).length, "padded to 16 bytes");
    assertEquals(Peer.State.ESTABLISHED, p.a.peer().state(p.clock.nanos()));
    assertEquals(Peer.State.ESTABLISHED, p.b.peer().state(p.clock.nanos()), "the first data confirmed b's key pair");
    assertTrue(p.a.events.contains(new PeerEvent.SessionEstablished(true)));
    assertTrue(p.b.events.contains(new PeerEvent.SessionEstablished(false)));

    p.b.send(text("hi back"));
    p.pump();
    assertArrayEquals(text("hi back"), unpadded(p.a.received.get(0), 7));
    assertEquals(p.a.peer().currentKeypair().orElseThrow().localIndex(), p.b.peer().currentKeypair().orElseThrow().remoteIndex());
  }

  @Test
  void theResponderNeverSendsDataUnderAnUnconfirmedKeyPair() {
    DevicePair p = DevicePair.connected(2);
    p.a.device.initiateHandshake(p.b.key.publicKey(), p.clock.nanos(), p.a);
    // Deliver the initiation only; hold the response.
    p.filter = DevicePair.dropping(f -> f.from().equals("b"));
    p.pump();
    p.filter = java.util.function.UnaryOperator.identity();
    assertEquals(Peer.State.HANDSHAKING, p.b.peer().state(p.clock.nanos()));
    int before = p.b.sent.size();
    p.b.send(text("early"));
    // As in wireguard-go: no data under an unconfirmed key pair; b starts a handshake of its own.
    assertEquals(before + 1, p.b.sent.size());
    assertEquals(1, DevicePair.type(p.b.sent.get(before)), "an initiation, not transport data");
    p.pump();
    assertArrayEquals(text("early"), unpadded(p.a.received.get(0), 5));
    assertEquals(Peer.State.ESTABLISHED, p.a.peer().state(p.clock.nanos()));
    assertEquals(Peer.State.ESTABLISHED, p.b.peer().state(p.clock.nanos()));
  }

  @Test
  void aHandshakeLosesNoPacketAcrossARekey() {
    DevicePair p = DevicePair.connected(3);
    p.a.send(text("0"));
    p.pump();
    Keypair first = p.a.peer().currentKeypair().orElseThrow();
    for (int i = 1; i <= 10; i++) {
      p.a.send(text(Integer.toString(i)));
    }
    // A packet sent under the old key pair is still in flight when the new handshake completes.
    p.clock.advance(Duration.ofSeconds(6));
    byte[] lateOld = null;
    p.a.send(text("late"));
    lateOld = p.a.sent.get(p.a.sent.size() - 1);
    p.network.removeLast();
    assertTrue(p.a.device.initiateHandshake(p.b.key.publicKey(), p.clock.nanos(), p.a));
    p.pump();
    assertNotEquals(first, p.a.peer().currentKeypair().orElseThrow());
    // The old key pair is now "previous" on both sides and still receives.
    assertTrue(p.b.device.receive(lateOld, lateOld.length, "a", p.clock.nanos(), p.b).isAccepted());
    p.a.send(text("new"));
    p.pump();
    assertEquals(13, p.b.received.size());
  }

  @Test
  void aPresharedKeyMustMatch() {
    DevicePair p = new DevicePair(4);
    PresharedKey psk = PresharedKey.generate(DevicePair.seeded(99));
    p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey()).withPresharedKey(psk));
    p.b.device.addPeer(PeerConfig.of(p.a.key.publicKey()).withPresharedKey(PresharedKey.generate(DevicePair.seeded(100))));
    p.a.device.setEndpoint(p.b.key.publicKey(), "b");
    p.b.device.setEndpoint(p.a.key.publicKey(), "a");
    p.a.send(text("x"));
    p.pump();
    // b cannot tell: it answers; a's check of the response fails (the psk is mixed in last).
    assertEquals(DropReason.HANDSHAKE_FAILED, p.a.lastResult().dropReason());
    assertEquals(Peer.State.HANDSHAKING, p.a.peer().state(p.clock.nanos()));
    assertTrue(p.b.received.isEmpty());

    DevicePair q = new DevicePair(4);
    q.a.device.addPeer(PeerConfig.of(q.b.key.publicKey()).withPresharedKey(psk));
    q.b.device.addPeer(PeerConfig.of(q.a.key.publicKey()).withPresharedKey(psk));
    q.a.device.setEndpoint(q.b.key.publicKey(), "b");
    q.a.send(text("x"));
    q.pump();
    assertEquals(1, q.b.received.size());
  }

  @Test
  void aStrangersInitiationIsRefusedBeforeItsStaticStaticDh() {
    DevicePair p = new DevicePair(5);
    p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey()));
    p.a.device.setEndpoint(p.b.key.publicKey(), "b");
    p.a.send(text("x"));
    p.pump();
    assertEquals(DropReason.UNKNOWN_PEER, p.b.lastResult().dropReason());
    assertTrue(p.b.sent.isEmpty());
    assertEquals(1L, p.b.device.drops().get(DropReason.UNKNOWN_PEER));
  }

  @Test
  void aRemovedPeerIsDroppedAtOnceAndItsHandshakesRefused() {
    DevicePair p = DevicePair.connected(6);
    p.a.send(text("x"));
    p.pump();
    byte[] transport = p.a.sent.get(p.a.sent.size() - 1);
    assertTrue(p.b.device.removePeer(p.a.key.publicKey()));
    assertEquals(DropReason.UNKNOWN_INDEX, p.b.device.receive(transport, transport.length, "a", 0, p.b).dropReason());
    p.clock.advance(Duration.ofSeconds(6));
    assertTrue(p.a.device.initiateHandshake(p.b.key.publicKey(), p.clock.nanos(), p.a));
    p.pump();
    assertEquals(DropReason.UNKNOWN_PEER, p.b.lastResult().dropReason());
  }

  @Test
  void aReplayedInitiationIsDroppedAndChangesNothing() {
    DevicePair p = DevicePair.connected(7);
    p.a.send(text("x"));
    byte[] initiation = p.a.sent.get(0).clone();
    p.pump();
    Keypair session = p.b.peer().currentKeypair().orElseThrow();
    p.clock.advance(Duration.ofSeconds(1));
    ReceiveResult r = p.b.device.receive(initiation, initiation.length, "evil", p.clock.nanos(), p.b);
    assertEquals(DropReason.REPLAYED_INITIATION, r.dropReason());
    assertEquals(session, p.b.peer().currentKeypair().orElseThrow());
    assertEquals("a", p.b.device.endpoint(p.a.key.publicKey()).orElseThrow(), "a replay does not move the endpoint");
  }

  @Test
  void twoGenuineInitiationsWithin20MsAreAFlood() {
    DevicePair p = DevicePair.connected(8);
    p.a.device.initiateHandshake(p.b.key.publicKey(), p.clock.nanos(), p.a);
    p.pump();
    // A second device with a's key: a's own device refuses to initiate again within REKEY_TIMEOUT.
    DevicePair.Side twin = p.new Side("a", DevicePair.seeded(1));
    Device<String> clone = new Device<>(p.a.key, DevicePair.seeded(11), new com.oversoc.mesh.protocol.time.ManualClock(
        java.time.Instant.parse("2030-01-01T00:00:00Z")), DevicePair.ADDRESSES);
    clone.addPeer(PeerConfig.of(p.b.key.publicKey()));
    clone.setEndpoint(p.b.key.publicKey(), "b");
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    clone.initiateHandshake(p.b.key.publicKey(), 0, new Collector(out));
    p.clock.advance(Duration.ofMillis(10));
    assertEquals(DropReason.INITIATION_FLOOD,
        p.b.device.receive(out.get(0), out.get(0).length, "a", p.clock.nanos(), twin).dropReason());
    p.clock.advance(Duration.ofMillis(20));
    assertTrue(p.b.device.receive(out.get(0), out.get(0).length, "a", p.clock.nanos(), twin).isAccepted(),
        "a later timestamp after the flood interval is a new handshake");
  }

  @Test
  void everySingleBitFlipIsDroppedWithoutChangingState() {
    DevicePair p = DevicePair.connected(9);
    p.a.send(text("a packet of data"));
    byte[] initiation = p.a.sent.get(0).clone();
    p.pump();
    byte[] response = p.b.sent.get(0).clone();
    byte[] transport = p.a.sent.get(1).clone();
    Keypair aSession = p.a.peer().currentKeypair().orElseThrow();
    Keypair bSession = p.b.peer().currentKeypair().orElseThrow();
    p.a.send(text("another"));
    byte[] fresh = p.a.sent.get(p.a.sent.size() - 1);
    p.network.clear();

    for (int bit = 0; bit < fresh.length * 8; bit++) {
      byte[] flipped = fresh.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      ReceiveResult r = p.b.device.receive(flipped, flipped.length, "evil", p.clock.nanos(), p.b);
      assertFalse(r.isAccepted(), "transport bit " + bit);
    }
    for (int bit = 0; bit < initiation.length * 8; bit += 3) {
      byte[] flipped = initiation.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(p.b.device.receive(flipped, flipped.length, "evil", p.clock.nanos(), p.b).isAccepted(), "initiation bit " + bit);
    }
    for (int bit = 0; bit < response.length * 8; bit += 3) {
      byte[] flipped = response.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(p.a.device.receive(flipped, flipped.length, "evil", p.clock.nanos(), p.a).isAccepted(), "response bit " + bit);
    }
    assertEquals(DropReason.REPLAYED_COUNTER, p.b.device.receive(transport, transport.length, "a", p.clock.nanos(), p.b).dropReason());
    assertEquals(aSession, p.a.peer().currentKeypair().orElseThrow());
    assertEquals(bSession, p.b.peer().currentKeypair().orElseThrow());
    assertEquals("a", p.b.device.endpoint(p.a.key.publicKey()).orElseThrow());
    // The genuine packet still gets through: the forgeries moved no replay window.
    assertTrue(p.b.device.receive(fresh, fresh.length, "a", p.clock.nanos(), p.b).isAccepted());
    assertArrayEquals(text("another"), unpadded(p.b.received.get(p.b.received.size() - 1), 7));
  }

  @Test
  void garbageTruncatedAndOversizedDatagramsAreTypedDrops() {
    DevicePair p = DevicePair.connected(10);
    java.util.Random r = new java.util.Random(10);
    for (int i = 0; i < 5000; i++) {
      byte[] g = new byte[r.nextInt(200)];
      r.nextBytes(g);
      if (g.length > 0 && r.nextBoolean()) {
        g[0] = (byte) (1 + r.nextInt(4));
        if (g.length > 3) {
          g[1] = g[2] = g[3] = 0;
        }
      }
      ReceiveResult res = p.b.device.receive(g, g.length, "x", p.clock.nanos(), p.b);
      assertFalse(res.isAccepted());
    }
    assertTrue(p.b.sent.isEmpty(), "garbage is never answered");
    assertEquals(Peer.State.IDLE, p.b.peer().state(p.clock.nanos()));
    p.a.send(text("still works"));
    p.pump();
    assertEquals(1, p.b.received.size());
  }

  @Test
  void roamingFollowsTheLatestAuthenticatedSource() {
    DevicePair p = DevicePair.connected(12);
    p.a.send(text("x"));
    p.pump();
    p.a.send(text("from elsewhere"));
    byte[] d = p.network.pollFirst().datagram();
    assertTrue(p.b.device.receive(d, d.length, "a-new", p.clock.nanos(), p.b).isAccepted());
    assertEquals("a-new", p.b.device.endpoint(p.a.key.publicKey()).orElseThrow());
  }

  @Test
  void aResponderOnlyPeerNeverInitiates() {
    DevicePair p = new DevicePair(13);
    p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey()));
    p.b.device.addPeer(PeerConfig.of(p.a.key.publicKey()).respondOnly());
    p.a.device.setEndpoint(p.b.key.publicKey(), "b");
    p.b.device.setEndpoint(p.a.key.publicKey(), "a");
    p.b.send(text("queued"));
    p.run(Duration.ofMinutes(10), Duration.ofSeconds(1));
    assertTrue(p.b.sent.isEmpty(), "b sent nothing at all, not even an initiation");
    p.a.send(text("hello"));
    p.pump();
    assertEquals(List.of("hello"), p.b.received.stream().map(x -> new String(x, StandardCharsets.UTF_8).trim()).toList());
    assertEquals("queued", new String(p.a.received.get(0), StandardCharsets.UTF_8).trim(),
        "b's staged packet left once a's session was confirmed");
    for (byte[] d : p.b.sent) {
      assertNotEquals(1, DevicePair.type(d), "never an initiation from b");
    }
  }

  @Test
  void peersAreValidated() {
    DevicePair p = new DevicePair(14);
    assertThrows(IllegalArgumentException.class, () -> p.a.device.addPeer(PeerConfig.of(p.a.key.publicKey())));
    p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey()));
    assertThrows(IllegalArgumentException.class, () -> p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey())));
    // A low-order point (the all-zero key) could never authenticate a session.
    assertThrows(com.oversoc.mesh.protocol.key.KeyFormatException.class,
        () -> p.a.device.addPeer(PeerConfig.of(new NodePublicKey(new byte[32]))));
    assertThrows(IllegalArgumentException.class,
        () -> p.a.device.send(NodePrivateKey.generate(DevicePair.seeded(3)).publicKey(), new byte[1], 0, p.a));
  }

  /** A plain collecting output. */
  record Collector(java.util.List<byte[]> out) implements Device.Output<String> {
    @Override
    public void transmit(String to, byte[] datagram) {
      out.add(datagram);
    }

    @Override
    public void deliver(Peer from, byte[] packet) {}
  }
}
