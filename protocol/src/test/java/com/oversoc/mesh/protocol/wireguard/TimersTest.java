package com.oversoc.mesh.protocol.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every WireGuard timer and limit, on a manual clock. */
class TimersTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;

  private static byte[] data(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static DevicePair established(long seed) {
    DevicePair p = DevicePair.connected(seed);
    p.a.send(data("first"));
    p.pump();
    assertEquals(Peer.State.ESTABLISHED, p.a.peer().state(p.clock.nanos()));
    p.a.sent.clear();
    p.b.sent.clear();
    return p;
  }

  /** Times (ns) at which {@code side} sent datagrams of {@code type}, recorded while {@code run} ran. */
  private static List<Long> sendTimes(DevicePair p, DevicePair.Side side, int type, Runnable run) {
    List<Long> times = new ArrayList<>();
    var previous = p.filter;
    p.filter = f -> {
      if (f.from().equals(side.address) && DevicePair.type(f.datagram()) == type) {
        times.add(p.clock.nanos());
      }
      return previous.apply(f);
    };
    run.run();
    p.filter = previous;
    return times;
  }

  @Test
  void anUnansweredInitiationIsRetriedEveryRekeyTimeoutPlusJitterThenGivenUpAfterRekeyAttemptTime() {
    DevicePair p = DevicePair.connected(20);
    p.filter = DevicePair.dropping(f -> f.from().equals("b"));
    List<Long> times = sendTimes(p, p.a, 1, () -> {
      p.a.send(data("waiting"));
      p.pump();
      p.run(Duration.ofSeconds(200), Duration.ofMillis(100));
    });
    assertEquals(1 + WireGuardSpec.MAX_TIMER_HANDSHAKES + 1, times.size(), "the first initiation and 18 retries");
    for (int i = 1; i < times.size(); i++) {
      long gap = times.get(i) - times.get(i - 1);
      assertTrue(gap >= 5 * S && gap < 5 * S + WireGuardDefaults.REKEY_TIMEOUT_JITTER_MAX_MS * MS, "gap " + gap);
    }
    long span = times.get(times.size() - 1) - times.get(0);
    assertTrue(span >= WireGuardSpec.REKEY_ATTEMPT_TIME.toNanos(), "retried for REKEY_ATTEMPT_TIME: " + span);
    assertTrue(p.a.events.stream().anyMatch(e -> e instanceof PeerEvent.HandshakeGaveUp));
    assertEquals(1L, p.a.peer().stats().drops().get(DropReason.HANDSHAKE_GAVE_UP), "the waiting packet was dropped");
    assertEquals(0, p.a.peer().stats().stagedPackets());
    assertTrue(p.a.peer().timers().isArmed(Timers.Name.ZERO_KEY_MATERIAL));
    assertEquals(Peer.State.IDLE, p.a.peer().state(p.clock.nanos()));
  }

  @Test
  void aKeepaliveFollowsReceivedDataAfterKeepaliveTimeoutUnlessSomethingWasSent() {
    DevicePair p = established(21);
    long start = p.clock.nanos();
    List<Long> keepalives = new ArrayList<>();
    p.filter = f -> {
      if (f.from().equals("b") && f.datagram().length == TransportData.OVERHEAD) {
        keepalives.add(p.clock.nanos() - start);
      }
      return f;
    };
    p.run(Duration.ofSeconds(30), Duration.ofMillis(100));
    // "first" arrived at 0 with nothing sent back: one keepalive at exactly 10 s, then silence.
    assertEquals(List.of(10 * S), keepalives);

    keepalives.clear();
    p.a.send(data("more"));
    p.pump();
    p.run(Duration.ofSeconds(5), Duration.ofMillis(100));
    p.b.send(data("an answer"));
    p.pump();
    p.run(Duration.ofSeconds(20), Duration.ofMillis(100));
    assertEquals(List.of(), keepalives, "b's own data made the keepalive unnecessary");
  }

  @Test
  void sentDataWithNothingBackStartsANewHandshakeAfterKeepalivePlusRekeyTimeout() {
    DevicePair p = established(22);
    p.filter = DevicePair.dropping(f -> f.from().equals("b"));
    long sentAt = p.clock.nanos();
    List<Long> initiations = sendTimes(p, p.a, 1, () -> {
      p.a.send(data("anyone there?"));
      p.pump();
      p.run(Duration.ofSeconds(16), Duration.ofMillis(10));
    });
    assertEquals(1, initiations.size());
    long after = initiations.get(0) - sentAt;
    assertTrue(after >= 15 * S && after < 15 * S + WireGuardDefaults.REKEY_TIMEOUT_JITTER_MAX_MS * MS, "after " + after);
  }

  @Test
  void theInitiatorRekeysWhenSendingAfterRekeyAfterTime() {
    DevicePair p = established(23);
    p.clock.advance(WireGuardSpec.REKEY_AFTER_TIME.minusSeconds(1));
    p.a.send(data("at 119 s"));
    assertEquals(List.of(4), p.a.sent.stream().map(DevicePair::type).toList());
    p.pump();
    p.clock.advance(Duration.ofSeconds(2));
    p.a.sent.clear();
    p.a.send(data("at 121 s"));
    assertEquals(List.of(4, 1), p.a.sent.stream().map(DevicePair::type).toList(), "data, then a new initiation");
    p.pump();
    assertTrue(p.a.peer().currentKeypair().orElseThrow().createdNanos() > 120 * S);
  }

  @Test
  void theResponderDoesNotRekeyByTime() {
    DevicePair p = established(24);
    p.clock.advance(Duration.ofSeconds(150));
    p.b.send(data("b at 150 s"));
    assertEquals(List.of(4), p.b.sent.stream().map(DevicePair::type).toList());
  }

  @Test
  void anInitiatorThatOnlyReceivesRehandshakesOnceAfterRejectMinusKeepaliveMinusRekeyTimeout() {
    assertEquals(Duration.ofSeconds(165), WireGuardSpec.REKEY_ON_RECEIVE_AFTER);
    DevicePair p = established(25);
    p.clock.advance(Duration.ofSeconds(164));
    p.b.send(data("at 164 s"));
    p.pump();
    assertTrue(p.a.sent.stream().noneMatch(d -> DevicePair.type(d) == 1));
    p.clock.advance(Duration.ofSeconds(2));
    p.filter = DevicePair.dropping(f -> f.from().equals("a") && DevicePair.type(f.datagram()) == 1);
    p.b.send(data("at 166 s"));
    p.pump();
    assertEquals(1, p.a.sent.stream().filter(d -> DevicePair.type(d) == 1).count(), "one last-minute initiation");
    p.clock.advance(Duration.ofSeconds(6));
    p.b.send(data("at 172 s"));
    p.pump();
    assertEquals(1, p.a.sent.stream().filter(d -> DevicePair.type(d) == 1).count(),
        "only once per session (the retransmit timer handles the rest)");
  }

  @Test
  void aKeyPairIsNeitherUsedNorAcceptedAfterRejectAfterTime() {
    DevicePair p = established(26);
    p.a.send(data("x"));
    byte[] early = p.network.pollLast().datagram();
    p.a.send(data("y"));
    byte[] late = p.network.pollLast().datagram();
    p.clock.advance(WireGuardSpec.REJECT_AFTER_TIME.minusMillis(1));
    assertTrue(p.b.device.receive(early, early.length, "a", p.clock.nanos(), p.b).isAccepted());
    p.clock.advance(Duration.ofMillis(1));
    assertEquals(DropReason.EXPIRED_KEYPAIR, p.b.device.receive(late, late.length, "a", p.clock.nanos(), p.b).dropReason());
    assertEquals(Peer.State.EXPIRED, p.a.peer().state(p.clock.nanos()));
    p.a.sent.clear();
    p.a.send(data("z"));
    assertEquals(List.of(1), p.a.sent.stream().map(DevicePair::type).toList(), "no data under an expired key pair: a handshake");
  }

  @Test
  void allKeyMaterialIsZeroedThreeRejectAfterTimesAfterTheLastSession() {
    DevicePair p = established(27);
    Keypair keypair = p.a.peer().currentKeypair().orElseThrow();
    p.run(WireGuardSpec.ZERO_KEY_MATERIAL_AFTER.minusSeconds(1), Duration.ofSeconds(10));
    assertFalse(keypair.isDestroyed());
    p.run(Duration.ofSeconds(2), Duration.ofMillis(100));
    assertTrue(keypair.isDestroyed());
    assertTrue(p.a.events.contains(new PeerEvent.KeyMaterialZeroed()));
    assertEquals(Peer.State.IDLE, p.a.peer().state(p.clock.nanos()));
    assertEquals(Peer.State.IDLE, p.b.peer().state(p.clock.nanos()));
    p.a.send(data("again"));
    p.pump();
    assertEquals(Peer.State.ESTABLISHED, p.a.peer().state(p.clock.nanos()), "a new session from scratch");
  }

  @Test
  void aPersistentKeepaliveKeepsAnIdleSessionTalking() {
    DevicePair p = new DevicePair(28);
    p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey()).withPersistentKeepalive(Duration.ofSeconds(25)));
    p.b.device.addPeer(PeerConfig.of(p.a.key.publicKey()));
    p.a.device.setEndpoint(p.b.key.publicKey(), "b");
    p.a.send(data("x"));
    p.pump();
    List<Long> keepalives = new ArrayList<>();
    p.filter = f -> {
      if (f.from().equals("a") && f.datagram().length == TransportData.OVERHEAD) {
        keepalives.add(p.clock.nanos() / S);
      }
      return f;
    };
    p.run(Duration.ofSeconds(100), Duration.ofSeconds(1));
    // b's own keepalive (10 s after "x") counts as traffic; then a keeps the path open every 25 s.
    assertEquals(List.of(35L, 60L, 85L), keepalives);
  }

  @Test
  void rekeyAfterMessagesStartsAHandshakeAndRejectAfterMessagesStopsSending() {
    DevicePair p = established(29);
    Keypair k = p.a.peer().currentKeypair().orElseThrow();
    k.skipSendCounterForTesting(WireGuardSpec.REKEY_AFTER_MESSAGES + 1);
    p.clock.advance(WireGuardSpec.REKEY_TIMEOUT.plusSeconds(1));
    p.a.send(data("past 2^60"));
    assertEquals(List.of(4, 1), p.a.sent.stream().map(DevicePair::type).toList());
    p.network.clear();

    DevicePair q = established(30);
    Keypair last = q.a.peer().currentKeypair().orElseThrow();
    last.skipSendCounterForTesting(WireGuardSpec.REJECT_AFTER_MESSAGES - 1);
    q.filter = DevicePair.dropping(f -> DevicePair.type(f.datagram()) == 1);
    q.a.send(data("the last counter"));
    q.pump();
    assertEquals("the last counter", new String(q.b.received.get(q.b.received.size() - 1), StandardCharsets.UTF_8).trim(),
        "counter REJECT_AFTER_MESSAGES - 1 is sent and accepted");
    q.a.sent.clear();
    q.clock.advance(Duration.ofSeconds(6));
    q.a.send(data("one too many"));
    assertEquals(List.of(1), q.a.sent.stream().map(DevicePair::type).toList(), "no counter left: a handshake instead");
    assertEquals(1, q.a.peer().stats().stagedPackets());
  }
}
