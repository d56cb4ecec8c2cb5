package com.oversoc.mesh.protocol.path;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One selector and a scripted peer: a map of which of the peer's addresses answer pings, after
 * what round trip and from which address. Pings and pongs go through the real codec (with
 * WireGuard's padding); the selector is polled after every event and at every deadline it names,
 * as the node will, and every change of {@code current} is recorded with its time.
 */
final class FakeNetwork {
  static final String RELAY = "relay:home";
  static final Predicate<String> IS_RELAY = a -> a.startsWith("relay:");
  /** What the peer reports as our address in its pongs; the selector does not use it. */
  static final ObservedAddress US = new ObservedAddress(new byte[] {(byte) 198, 51, 100, 1}, 41641);

  record Sent(long at, String to, long txid) {}

  record Change(long at, Optional<String> current) {}

  private record Answer(LongSupplier rtt, String from) {}

  final EventClock clock = new EventClock();
  final PathSelector<String> selector;
  final List<Sent> pings = new ArrayList<>();
  final List<Change> changes = new ArrayList<>();
  private final Map<String, Answer> answers = new HashMap<>();
  private long wakeAt = PathSelector.NONE;

  FakeNetwork(long seed) {
    selector = new PathSelector<>(IS_RELAY, new SplittableRandom(seed));
  }

  /** The peer's candidates and relay, listed at time 0, and the session up at {@code sessionAt}. */
  static FakeNetwork started(long seed, List<String> direct, Optional<String> relay, long sessionAt) {
    FakeNetwork net = new FakeNetwork(seed);
    net.selector.setCandidates(direct, relay, 0);
    net.clock.at(sessionAt, () -> net.selector.sessionUp(true, net.clock.now()));
    return net;
  }

  long now() {
    return clock.now();
  }

  /** Pings to {@code address} are answered from it after {@code rttMs}. */
  FakeNetwork answers(String address, double rttMs) {
    return answers(address, () -> (long) (rttMs * EventClock.MS), address);
  }

  /** Pings to {@code address} are answered after {@code rtt} nanoseconds, the pong coming from {@code from}. */
  FakeNetwork answers(String address, LongSupplier rtt, String from) {
    answers.put(address, new Answer(rtt, from));
    return this;
  }

  /** Pings to {@code address} get lost from now on. */
  void block(String address) {
    answers.remove(address);
  }

  /** At {@code time}, run {@code change} (block or answer an address, call the selector). */
  void at(long time, Runnable change) {
    clock.at(time, change);
  }

  /** Data is sent every {@code gap} from {@code from} until before {@code until}. */
  void sendData(long from, long until, long gap) {
    for (long t = from; t < until; t += gap) {
      clock.at(t, () -> selector.onDataSent(clock.now()));
    }
  }

  /** The peer's authenticated messages arrive from {@code source} every {@code gap} in [from, until). */
  void peerSendsFrom(String source, long from, long until, long gap) {
    for (long t = from; t < until; t += gap) {
      clock.at(t, () -> selector.onAuthenticated(source, clock.now()));
    }
  }

  /** Runs events and the selector's deadlines up to {@code until}. */
  FakeNetwork runUntil(long until) {
    step();
    while (clock.runNext(until)) {
      step();
    }
    step();
    return this;
  }

  Optional<String> current() {
    return selector.current(now());
  }

  /** When {@code current} became {@code path} first at or after {@code after}; fails if it did not. */
  long firstChangeTo(String path, long after) {
    for (Change c : changes) {
      if (c.at() >= after && c.current().equals(Optional.of(path))) {
        return c.at();
      }
    }
    throw new AssertionError("current never became " + path + " after " + after + ": " + changes);
  }

  /** Changes of current in [from, until). */
  List<Change> changesBetween(long from, long until) {
    return changes.stream().filter(c -> c.at() >= from && c.at() < until).toList();
  }

  /** Times pings went to {@code address}, in [from, until). */
  List<Long> pingTimes(String address, long from, long until) {
    return pings.stream().filter(p -> p.to().equals(address) && p.at() >= from && p.at() < until).map(Sent::at).toList();
  }

  private void step() {
    long now = clock.now();
    PathSelector.Actions<String> actions = selector.poll(now);
    for (PathSelector.OutgoingProbe<String> probe : actions.probes()) {
      PathProbe.Ping ping = (PathProbe.Ping) decode(probe.packet());
      pings.add(new Sent(now, probe.to(), ping.txid()));
      Answer answer = answers.get(probe.to());
      if (answer != null) {
        byte[] pong = ping.pong(US).encode();
        clock.after(answer.rtt().getAsLong(), () -> arrive(answer.from(), pong));
      }
    }
    if (actions.nextDeadline() != PathSelector.NONE && actions.nextDeadline() != wakeAt) {
      assertTrue(actions.nextDeadline() > now, "a deadline is in the future once poll ran");
      wakeAt = actions.nextDeadline();
      clock.at(wakeAt, () -> {});
    }
    Optional<String> current = selector.current(now);
    if (changes.isEmpty() || !changes.get(changes.size() - 1).current().equals(current)) {
      changes.add(new Change(now, current));
    }
  }

  /** A pong arrives: authenticated by the session (so the node reports its source), then handed over. */
  private void arrive(String from, byte[] pong) {
    long now = clock.now();
    selector.onAuthenticated(from, now);
    PathProbe probe = decode(pong);
    selector.onPong(probe.txid(), from, now);
  }

  /** Decodes as the receiving node does: the packet padded by WireGuard to a multiple of 16. */
  static PathProbe decode(byte[] packet) {
    byte[] padded = java.util.Arrays.copyOf(packet, (packet.length + 15) / 16 * 16);
    try {
      return PathProbe.decode(padded);
    } catch (PathProbeException e) {
      throw new AssertionError("the selector sent a malformed probe", e);
    }
  }
}
