package com.oversoc.mesh.protocol.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** mac1, mac2 and cookie replies: the denial-of-service protection of WireGuard's handshake. */
class CookieTest {
  private static final int UNDER_LOAD = WireGuardDefaults.UNDER_LOAD_BACKLOG;

  @Test
  void underLoadAValidInitiationWithoutMac2GetsASmallerCookieReplyAndTheRetryWithMac2Succeeds() {
    DevicePair p = DevicePair.connected(40);
    p.b.backlog = UNDER_LOAD;
    p.a.send("hello".getBytes(StandardCharsets.UTF_8));
    byte[] initiation = p.a.sent.get(0);
    assertTrue(Arrays.equals(new byte[16], Arrays.copyOfRange(initiation, 132, 148)), "no cookie yet: mac2 is zero");
    p.pump();
    assertEquals(DropReason.COOKIE_REQUIRED, p.b.results.get(0).dropReason());
    assertEquals(1, p.b.sent.size());
    byte[] reply = p.b.sent.get(0);
    assertEquals(3, DevicePair.type(reply));
    assertEquals(64, reply.length);
    assertTrue(reply.length < initiation.length, "a cookie reply never amplifies");
    assertEquals(ReceiveResult.COOKIE, p.a.results.get(0));
    assertEquals(Peer.State.IDLE, p.b.peer().state(p.clock.nanos()), "b did no handshake work");

    // The retransmission 5 s later carries mac2 and is answered although b is still loaded.
    p.run(Duration.ofSeconds(6), Duration.ofMillis(100));
    byte[] retry = p.a.sent.get(1);
    assertEquals(1, DevicePair.type(retry));
    assertFalse(Arrays.equals(new byte[16], Arrays.copyOfRange(retry, 132, 148)), "mac2 is set");
    assertEquals(1, p.b.received.size());
    assertEquals(Peer.State.ESTABLISHED, p.a.peer().state(p.clock.nanos()));
  }

  @Test
  void withoutLoadMac2IsNotNeeded() {
    DevicePair p = DevicePair.connected(41);
    p.a.send(new byte[] {1});
    p.pump();
    assertEquals(1, p.b.received.size());
    assertTrue(p.b.sent.stream().noneMatch(d -> DevicePair.type(d) == 3));
  }

  @Test
  void theLoadStateOutlastsTheBacklogByOneSecond() {
    LoadMonitor m = new LoadMonitor();
    assertFalse(m.isUnderLoad(0, 0));
    assertFalse(m.isUnderLoad(UNDER_LOAD - 1, 0));
    assertTrue(m.isUnderLoad(UNDER_LOAD, 10));
    assertTrue(m.isUnderLoad(0, 10 + Duration.ofMillis(999).toNanos()));
    assertFalse(m.isUnderLoad(0, 10 + Duration.ofSeconds(1).toNanos()));
  }

  @Test
  void aCookieIsWorthTwoMinutes() {
    DevicePair p = DevicePair.connected(42);
    p.b.backlog = UNDER_LOAD;
    p.a.send(new byte[] {1});
    p.pump();
    assertEquals(ReceiveResult.COOKIE, p.a.results.get(0));
    p.clock.advance(WireGuardSpec.COOKIE_REFRESH_TIME.plusSeconds(1));
    p.b.results.clear();
    assertTrue(p.a.device.initiateHandshake(p.b.key.publicKey(), p.clock.nanos(), p.a));
    p.pump();
    assertEquals(DropReason.COOKIE_REQUIRED, p.b.results.get(0).dropReason(), "the cookie expired: a new cookie reply");
  }

  @Test
  void underLoadASourceIsRateLimitedEvenWithAValidMac2() {
    DevicePair p = DevicePair.connected(43);
    p.b.backlog = UNDER_LOAD;
    p.a.send(new byte[] {1});
    p.pump();
    p.run(Duration.ofSeconds(6), Duration.ofMillis(100));
    byte[] withMac2 = p.a.sent.get(1).clone();
    p.b.results.clear();
    for (int i = 0; i < WireGuardDefaults.HANDSHAKE_BURST_PER_SOURCE + 2; i++) {
      p.b.results.add(p.b.device.receive(withMac2, withMac2.length, "a", p.clock.nanos(), p.b));
    }
    // The burst passes the limiter (and then fails as replays); the rest is limited.
    assertEquals(DropReason.REPLAYED_INITIATION, p.b.results.get(0).dropReason());
    assertEquals(DropReason.RATE_LIMITED, p.b.results.get(p.b.results.size() - 1).dropReason());
    assertEquals(WireGuardDefaults.HANDSHAKE_BURST_PER_SOURCE,
        p.b.results.stream().filter(r -> r.dropReason() != DropReason.RATE_LIMITED).count());
    // Another source is not affected.
    assertEquals(DropReason.COOKIE_REQUIRED,
        p.b.device.receive(withMac2, withMac2.length, "c", p.clock.nanos(), p.b).dropReason(),
        "mac2 is bound to the source address, so from c it needs c's own cookie");
  }

  @Test
  void mac1IsCheckedFirstSoAMessageForAnotherKeyCostsNoDiffieHellman() {
    DevicePair p = DevicePair.connected(44);
    NodePrivateKey stranger = NodePrivateKey.generate(DevicePair.seeded(45));
    Device<String> elsewhere = new Device<>(NodePrivateKey.generate(DevicePair.seeded(46)), DevicePair.seeded(47),
        p.clock, DevicePair.ADDRESSES);
    elsewhere.addPeer(PeerConfig.of(stranger.publicKey()));
    elsewhere.setEndpoint(stranger.publicKey(), "b");
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    elsewhere.initiateHandshake(stranger.publicKey(), 0, new SessionTest.Collector(out));
    assertEquals(DropReason.INVALID_MAC1, p.b.device.receive(out.get(0), 148, "x", 0, p.b).dropReason());
  }

  @Test
  void aForgedOrStaleCookieReplyIsIgnored() {
    DevicePair p = DevicePair.connected(48);
    p.b.backlog = UNDER_LOAD;
    p.a.send(new byte[] {1});
    p.filter = f -> {
      if (DevicePair.type(f.datagram()) == 3) {
        byte[] forged = f.datagram().clone();
        forged[40] ^= 1;
        return new DevicePair.InFlight(f.from(), f.to(), forged);
      }
      return f;
    };
    p.pump();
    assertEquals(DropReason.INVALID_COOKIE_REPLY, p.a.results.get(0).dropReason());
    assertEquals(1L, p.a.peer().stats().drops().get(DropReason.INVALID_COOKIE_REPLY));
  }
}
