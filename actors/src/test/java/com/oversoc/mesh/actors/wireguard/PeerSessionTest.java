package com.oversoc.mesh.actors.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.wireguard.Device;
import com.oversoc.mesh.protocol.wireguard.DropReason;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerConfig;
import com.oversoc.mesh.protocol.wireguard.PeerEvent;
import com.oversoc.mesh.protocol.wireguard.SourceAddress;
import com.oversoc.mesh.protocol.wireguard.TransportData;
import com.oversoc.mesh.protocol.wireguard.WireGuardSpec;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The actor side of the WireGuard session against a pure {@link Device} peer, with Pekko's
 * ManualTime and a manual monotonic clock moved together: handshakes either way, data, and every
 * timer firing as a keyed Pekko timer at the whitepaper's time.
 */
class PeerSessionTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      ManualTime.config().withFallback(ActorSystems.pekkoConfig(ConfigFactory.empty())));
  private static final ManualTime TIME = ManualTime.get(KIT.system());
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final SourceAddress<Object> ADDRESSES = new SourceAddress<>() {
    @Override
    public byte[] cookieBytes(Object address) {
      return address.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object rateLimitKey(Object address) {
      return address;
    }
  };

  /** A monotonic and wall clock the test moves and the actors read from their own threads. */
  static final class SharedClock implements MonotonicClock, InstantSource {
    private final AtomicLong nanos = new AtomicLong();
    private final Instant origin = Instant.parse("2026-06-01T00:00:00Z");

    @Override
    public long nanos() {
      return nanos.get();
    }

    @Override
    public Instant instant() {
      return origin.plusNanos(nanos.get());
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  /** Records what our session hands to its wiring. */
  static final class Recorder implements SessionWiring {
    final LinkedBlockingQueue<byte[]> transmitted = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
    final List<String> transitions = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void transmit(byte[] datagram, Object via) {
      transmitted.add(datagram);
    }

    @Override
    public void deliver(byte[] packet, Object source) {
      delivered.add(packet);
    }

    @Override
    public void event(PeerEvent event) {
      events.add(event);
    }

    @Override
    public void stateChanged(Peer.State from, Peer.State to) {
      transitions.add(from + "->" + to);
    }
  }

  private SharedClock clock;
  private WireGuardInterface ours;
  private NodePrivateKey ourKey;
  private Device<String> theirs;
  private NodePrivateKey theirKey;
  private Recorder wiring;
  private ActorRef<PeerSession.Command> session;
  private final List<byte[]> theirOut = new ArrayList<>();
  private final List<byte[]> theirReceived = new ArrayList<>();
  private final Device.Output<String> theirOutput = new Device.Output<>() {
    @Override
    public void transmit(String to, byte[] datagram) {
      theirOut.add(datagram);
    }

    @Override
    public void deliver(Peer from, byte[] packet) {
      theirReceived.add(packet);
    }
  };

  @BeforeEach
  void setUp() {
    clock = new SharedClock();
    SecureRandom random = new SecureRandom();
    ourKey = NodePrivateKey.generate(random);
    theirKey = NodePrivateKey.generate(random);
    ours = new WireGuardInterface(ourKey, random, clock, clock, ADDRESSES, (to, d) -> {}, KIT::spawn, "wg-" + System.nanoTime());
    theirs = new Device<>(theirKey, random, clock, new SourceAddress<String>() {
      @Override
      public byte[] cookieBytes(String address) {
        return address.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public Object rateLimitKey(String address) {
        return address;
      }
    });
    wiring = new Recorder();
    session = ours.addPeer(PeerConfig.of(theirKey.publicKey()), wiring);
    theirs.addPeer(PeerConfig.of(ourKey.publicKey()));
    theirs.setEndpoint(ourKey.publicKey(), "us");
  }

  @AfterEach
  void tearDown() throws Exception {
    ours.removePeer(theirKey.publicKey(), KIT.system(), Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void shutDown() {
    KIT.shutdownTestKit();
  }

  private void advance(Duration d) {
    clock.advance(d);
    TIME.timePasses(d);
  }

  /**
   * Moves time forward by {@code total}, stopping at each moment the session said it acts next
   * and letting it act before moving on: a timer a handler arms is scheduled from the
   * scheduler's time when the handler runs, so one long jump would fold a cascade of timers into
   * one. (Each ManualTime step also sleeps 100 ms, so the steps are as few as the timers.)
   */
  private void advanceByTimers(Duration total) {
    long target = clock.nanos() + total.toNanos();
    while (clock.nanos() < target) {
      session.tell(new PeerSession.GetStatus(statusProbe.getRef()));
      long next = Math.min(statusProbe.receiveMessage().nextDeadline(), target);
      advance(Duration.ofNanos(Math.max(next - clock.nanos(), 1_000_000)));
    }
    state(); // a round trip through the mailbox: the last Tick has been handled
  }

  private byte[] nextFromUs() throws InterruptedException {
    byte[] d = wiring.transmitted.poll(3, TimeUnit.SECONDS);
    if (d == null) {
      throw new AssertionError("our session sent nothing");
    }
    return d;
  }

  /** Waits for {@code expected} among the session's events (they are reported from its own thread). */
  private void awaitEvent(PeerEvent expected) throws InterruptedException {
    List<PeerEvent> seen = new ArrayList<>();
    for (PeerEvent e; (e = wiring.events.poll(3, TimeUnit.SECONDS)) != null; ) {
      seen.add(e);
      if (e.equals(expected)) {
        return;
      }
    }
    throw new AssertionError("no " + expected + " among " + seen);
  }

  private void assertNothingFromUs() throws InterruptedException {
    assertNull(wiring.transmitted.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS), "our session sent something");
  }

  /** Hands a datagram of ours to their device, and whatever it answers back to our interface. */
  private void toThem(byte[] datagram) {
    theirOut.clear();
    theirs.receive(datagram, datagram.length, "us", clock.nanos(), theirOutput);
    for (byte[] d : theirOut) {
      ours.receive(d, "them");
    }
  }

  private final TestProbe<PeerSession.Status> statusProbe = KIT.createTestProbe();

  private Peer.State state() {
    session.tell(new PeerSession.GetStatus(statusProbe.getRef()));
    return statusProbe.receiveMessage().state();
  }

  private void establishBySending() throws InterruptedException {
    session.tell(new PeerSession.Send("hello".getBytes(StandardCharsets.UTF_8)));
    byte[] initiation = nextFromUs();
    assertEquals(148, initiation.length);
    toThem(initiation);
    byte[] data = nextFromUs();
    assertEquals(4, data[0]);
    toThem(data);
  }

  @Test
  void aSendStartsTheHandshakeAndThePacketFollowsTheResponse() throws Exception {
    assertEquals(Peer.State.IDLE, state());
    establishBySending();
    assertEquals("hello", new String(theirReceived.get(0), StandardCharsets.UTF_8).trim());
    assertEquals(Peer.State.ESTABLISHED, state());
    awaitEvent(new PeerEvent.SessionEstablished(true));
    assertTrue(wiring.transitions.containsAll(List.of("IDLE->HANDSHAKING", "HANDSHAKING->ESTABLISHED")), wiring.transitions.toString());

    theirs.send(ourKey.publicKey(), "back".getBytes(StandardCharsets.UTF_8), clock.nanos(), new Device.Output<>() {
      @Override
      public void transmit(String to, byte[] d) {
        ours.receive(d, "them");
      }

      @Override
      public void deliver(Peer from, byte[] packet) {}
    });
    byte[] got = wiring.delivered.poll(3, TimeUnit.SECONDS);
    assertEquals("back", new String(got, StandardCharsets.UTF_8).trim());
  }

  @Test
  void theirInitiationIsAnsweredByTheHandshakeWorkerAndOurSession() throws Exception {
    theirs.send(ourKey.publicKey(), "from them".getBytes(StandardCharsets.UTF_8), clock.nanos(), new Device.Output<>() {
      @Override
      public void transmit(String to, byte[] d) {
        ours.receive(d, "them");
      }

      @Override
      public void deliver(Peer from, byte[] packet) {}
    });
    byte[] response = nextFromUs();
    assertEquals(92, response.length);
    toThem(response); // their staged packet comes back to us in the new session
    byte[] got = wiring.delivered.poll(3, TimeUnit.SECONDS);
    assertEquals("from them", new String(got, StandardCharsets.UTF_8).trim());
    assertEquals(Peer.State.ESTABLISHED, state());
  }

  @Test
  void anUnansweredInitiationIsRetransmittedAfterRekeyTimeoutPlusJitter() throws Exception {
    session.tell(new PeerSession.Send(new byte[] {1}));
    assertEquals(1, nextFromUs()[0]);
    advance(Duration.ofMillis(4_990));
    assertNothingFromUs();
    assertEquals(Peer.State.HANDSHAKING, state());
    advance(Duration.ofMillis(10 + 334));
    byte[] retry = nextFromUs();
    assertEquals(1, retry[0], "a second initiation");
    awaitEvent(new PeerEvent.HandshakeInitiated(1));
  }

  @Test
  void receivedDataIsFollowedByAKeepaliveAfterKeepaliveTimeout() throws Exception {
    establishBySending();
    theirs.send(ourKey.publicKey(), "ping".getBytes(StandardCharsets.UTF_8), clock.nanos(), new Device.Output<>() {
      @Override
      public void transmit(String to, byte[] d) {
        ours.receive(d, "them");
      }

      @Override
      public void deliver(Peer from, byte[] packet) {}
    });
    assertEquals("ping", new String(wiring.delivered.poll(3, TimeUnit.SECONDS), StandardCharsets.UTF_8).trim());
    advance(WireGuardSpec.KEEPALIVE_TIMEOUT.minusMillis(10));
    assertNothingFromUs();
    advance(Duration.ofMillis(10));
    byte[] keepalive = nextFromUs();
    assertEquals(TransportData.OVERHEAD, keepalive.length);
  }

  @Test
  void theSessionExpiresAfterRejectAfterTimeAndIsZeroedAfterThreeOfThem() throws Exception {
    establishBySending();
    // They never answer again: NEW_HANDSHAKE fires at 15 s, the retries give up after 90 s more.
    advanceByTimers(WireGuardSpec.REJECT_AFTER_TIME);
    assertTrue(wiring.events.stream().anyMatch(e -> e instanceof PeerEvent.HandshakeGaveUp), wiring.events.toString());
    assertEquals(Peer.State.EXPIRED, state());
    advanceByTimers(WireGuardSpec.ZERO_KEY_MATERIAL_AFTER.minus(WireGuardSpec.REJECT_AFTER_TIME));
    awaitEvent(new PeerEvent.KeyMaterialZeroed());
    assertEquals(Peer.State.IDLE, state());
    assertTrue(wiring.transitions.containsAll(List.of("ESTABLISHED->EXPIRED", "EXPIRED->IDLE")), wiring.transitions.toString());
  }

  @Test
  void aRekeyAtWillSwitchesKeysWithoutLosingAPacket() throws Exception {
    establishBySending();
    advance(Duration.ofSeconds(6));
    TestProbe<Boolean> probe = KIT.createTestProbe();
    session.tell(new PeerSession.Rekey(probe.getRef()));
    assertTrue(probe.receiveMessage());
    byte[] initiation = nextFromUs();
    assertEquals(1, initiation[0]);
    session.tell(new PeerSession.Send("during".getBytes(StandardCharsets.UTF_8)));
    byte[] oldKeys = nextFromUs();
    toThem(initiation);
    byte[] keepaliveOrData = nextFromUs();
    toThem(keepaliveOrData);
    toThem(oldKeys);
    assertEquals(List.of("hello", "during"), theirReceived.stream().map(b -> new String(b, StandardCharsets.UTF_8).trim()).toList());
  }

  @Test
  void aRemovedPeersPacketsAreRefused() throws Exception {
    establishBySending();
    ours.removePeer(theirKey.publicKey(), KIT.system(), Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    theirs.send(ourKey.publicKey(), "late".getBytes(StandardCharsets.UTF_8), clock.nanos(), new Device.Output<>() {
      @Override
      public void transmit(String to, byte[] d) {
        ours.receive(d, "them");
      }

      @Override
      public void deliver(Peer from, byte[] packet) {}
    });
    assertEquals(1, ours.drops().get(DropReason.UNKNOWN_INDEX));
    assertTrue(wiring.delivered.isEmpty());
    // Re-add for tearDown's removal to find.
    session = ours.addPeer(PeerConfig.of(theirKey.publicKey()), wiring);
  }
}
