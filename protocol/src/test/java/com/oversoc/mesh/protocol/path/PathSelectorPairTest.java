package com.oversoc.mesh.protocol.path;

import static com.oversoc.mesh.protocol.path.EventClock.MS;
import static com.oversoc.mesh.protocol.path.EventClock.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A platform and a gateway, each with its own selector and answering the other's pings
 * statelessly, as nodes will. The gateway sits behind a NAT that keeps one mapping for all
 * destinations but lets a packet in only from an address the gateway has sent to (address-
 * dependent filtering), and its LAN address is unreachable from the platform. Both sessions come
 * up over the relay (the gateway never starts a handshake); the gateway's own pings open its NAT
 * for the platform's.
 */
class PathSelectorPairTest {
  static final String RELAY = "relay:1";
  static final String PLATFORM = "udp:203.0.113.5:41641";
  static final String GATEWAY_LAN = "udp:10.0.0.2:41641";
  static final String GATEWAY_NAT = "udp:198.51.100.7:61000";
  static final long ONE_WAY = 15 * MS;

  private final EventClock clock = new EventClock();
  private final Node platform = new Node(1);
  private final Node gateway = new Node(2);
  private boolean natOpen;

  private final class Node {
    final PathSelector<String> selector;
    final List<ObservedAddress> seenAs = new ArrayList<>();
    long directSince = -1;
    long wakeAt = PathSelector.NONE;

    Node(long seed) {
      selector = new PathSelector<>(FakeNetwork.IS_RELAY, new SplittableRandom(seed));
    }

    Node peer() {
      return this == platform ? gateway : platform;
    }

    void poll() {
      PathSelector.Actions<String> actions = selector.poll(clock.now());
      for (PathSelector.OutgoingProbe<String> probe : actions.probes()) {
        send(this, probe.to(), probe.packet());
      }
      if (actions.nextDeadline() != PathSelector.NONE && actions.nextDeadline() != wakeAt) {
        wakeAt = actions.nextDeadline();
        clock.at(wakeAt, () -> {});
      }
      Optional<String> current = selector.current(clock.now());
      if (directSince < 0 && current.isPresent() && !FakeNetwork.IS_RELAY.test(current.get())) {
        directSince = clock.now();
      }
    }

    /** What a node does with an authenticated probe from {@code source}: answer a ping at once, hand a pong over. */
    void receive(String source, byte[] packet) {
      selector.onAuthenticated(source, clock.now());
      switch (FakeNetwork.decode(packet)) {
        case PathProbe.Ping ping -> send(this, source, ping.pong(observed(source)).encode());
        case PathProbe.Pong pong -> {
          seenAs.add(pong.seenFrom());
          selector.onPong(pong.txid(), source, clock.now());
        }
      }
    }
  }

  /** The network: the gateway's NAT (one mapping, address-dependent filtering), a 15 ms one-way delay. */
  private void send(Node from, String to, byte[] packet) {
    if (from == gateway && to.equals(PLATFORM)) {
      natOpen = true;
      clock.after(ONE_WAY, () -> platform.receive(GATEWAY_NAT, packet));
    } else if (from == platform && to.equals(GATEWAY_NAT) && natOpen) {
      clock.after(ONE_WAY, () -> gateway.receive(PLATFORM, packet));
    }
  }

  private void run(long until) {
    platform.poll();
    gateway.poll();
    while (clock.runNext(until)) {
      platform.poll();
      gateway.poll();
    }
  }

  private static ObservedAddress observed(String address) {
    String hostPort = address.substring("udp:".length());
    int colon = hostPort.lastIndexOf(':');
    return ObservedAddress.of(IpLiteral.parse(hostPort.substring(0, colon)), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  /** Sessions up: the platform's when the response arrives, the gateway's with the first data (both via the relay). */
  private void sessionsUp() {
    clock.at(0, () -> platform.selector.sessionUp(true, clock.now()));
    clock.at(40 * MS, () -> gateway.selector.sessionUp(true, clock.now()));
  }

  @Test
  void aGatewayBehindAFilteringNatGoesDirectOnceItsOwnPingsOpenTheNat() {
    platform.selector.setCandidates(List.of(GATEWAY_LAN, GATEWAY_NAT), Optional.of(RELAY), 0);
    gateway.selector.setCandidates(List.of(PLATFORM), Optional.of(RELAY), 0);
    sessionsUp();
    run(60 * S);
    assertEquals(40 * MS + 2 * ONE_WAY, gateway.directSince, "its first ping answered");
    assertEquals(500 * MS + 2 * ONE_WAY, platform.directSince,
        "its pings of 0 s hit the closed NAT; the discovery retry of 0.5 s gets through");
    assertEquals(Optional.of(GATEWAY_NAT), platform.selector.current(clock.now()));
    assertEquals(Optional.of(PLATFORM), gateway.selector.current(clock.now()));
    assertFalse(platform.selector.paths(clock.now()).get(0).live(), "the gateway's LAN address stays unreachable");
    assertTrue(gateway.seenAs.stream().allMatch(observed(GATEWAY_NAT)::equals), "the gateway learns its NAT mapping");
    assertFalse(gateway.seenAs.isEmpty());
  }

  @Test
  void aNatMappingThatIsNotInThePeerMapIsLearnedFromTheGatewaysPings() {
    platform.selector.setCandidates(List.of(GATEWAY_LAN), Optional.of(RELAY), 0);
    gateway.selector.setCandidates(List.of(PLATFORM), Optional.of(RELAY), 0);
    sessionsUp();
    run(60 * S);
    long heard = 40 * MS + ONE_WAY;
    assertEquals(heard + 2 * ONE_WAY, platform.directSince, "pinged back as soon as it was heard from");
    assertEquals(Optional.of(GATEWAY_NAT), platform.selector.current(clock.now()));
    assertEquals(1, platform.selector.stats().candidatesLearned());
    assertEquals(Optional.of(PLATFORM), gateway.selector.current(clock.now()));
  }

  @Test
  void withoutTheGatewaysPingsTheNatStaysClosedAndThePlatformStaysOnTheRelay() {
    platform.selector.setCandidates(List.of(GATEWAY_LAN, GATEWAY_NAT), Optional.of(RELAY), 0);
    gateway.selector.setCandidates(List.of(PLATFORM), Optional.of(RELAY), 0);
    clock.at(0, () -> platform.selector.sessionUp(true, clock.now()));
    run(120 * S);
    assertEquals(Optional.of(RELAY), platform.selector.current(clock.now()));
    assertEquals(-1, platform.directSince);
    assertTrue(platform.selector.stats().pingsSent() > 10, "it kept trying");
  }
}
