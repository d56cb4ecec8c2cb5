package com.oversoc.mesh.sim.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.time.ManualClock;
import com.oversoc.mesh.protocol.transport.ConnectionStats;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.sim.link.LinkProfile;
import com.oversoc.mesh.sim.link.Scheduler;
import com.oversoc.mesh.sim.link.SimulatedLink;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The BBR controller's state machine as draft-ietf-ccwg-bbr lays it out, watched from outside
 * over a simulated link: one connection sends without end, and its state and window are
 * sampled every millisecond of virtual time. The goodput the states add up to is what
 * {@link TransportAcceptanceTest} asserts; here it is the order of the states.
 *
 * <p>ProbeRTT is not asserted: this controller enters it only when the ProbeRTT interval has
 * expired on an ACK that brings no RTT sample, so on a clean link it never does, where the draft
 * enters it every 5 s unless a strictly lower RTT was seen (README, "Mesh transport", known
 * deviation).
 */
class BbrLifecycleTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  enum S { STARTUP, DRAIN, PROBE_BW_DOWN, PROBE_BW_CRUISE, PROBE_BW_REFILL, PROBE_BW_UP, PROBE_RTT }

  /**
   * The draft's transitions (section 4.3): ProbeBW cycles DOWN, CRUISE (which DOWN may skip),
   * REFILL, UP; any state may enter ProbeRTT, which leaves for CRUISE (or STARTUP before the pipe filled).
   */
  private static final Map<S, Set<S>> ALLOWED = new EnumMap<>(Map.of(
      S.STARTUP, Set.of(S.DRAIN, S.PROBE_RTT),
      S.DRAIN, Set.of(S.PROBE_BW_DOWN, S.PROBE_BW_CRUISE, S.PROBE_RTT),
      S.PROBE_BW_DOWN, Set.of(S.PROBE_BW_CRUISE, S.PROBE_BW_REFILL, S.PROBE_RTT),
      S.PROBE_BW_CRUISE, Set.of(S.PROBE_BW_REFILL, S.PROBE_RTT),
      S.PROBE_BW_REFILL, Set.of(S.PROBE_BW_UP, S.PROBE_RTT),
      S.PROBE_BW_UP, Set.of(S.PROBE_BW_DOWN, S.PROBE_RTT),
      S.PROBE_RTT, Set.of(S.PROBE_BW_CRUISE, S.STARTUP)));

  record Sample(long at, S state, long cwnd) {}

  /** Runs one endless sender over {@code link} for {@code duration}; every state change, with the window at the time. */
  private static List<Sample> watch(LinkProfile link, long duration) {
    Scheduler scheduler = new Scheduler(new ManualClock());
    SplittableRandom seeds = new SplittableRandom(3);
    TransferScenario.Pair pair = new TransferScenario.Pair(scheduler, new SimulatedLink(scheduler, link, seeds.split()),
        new SimulatedLink(scheduler, link, seeds.split()), TransportConfig.defaults(), 1, 1L << 40, 0, seeds.split());
    List<Sample> changes = new ArrayList<>();
    Runnable[] sample = new Runnable[1];
    sample[0] = () -> {
      ConnectionStats s = pair.platform().stats();
      Sample now = new Sample(scheduler.now(), S.valueOf(s.congestionState().toUpperCase(java.util.Locale.ROOT)),
          s.congestionWindow());
      if (changes.isEmpty() || changes.getLast().state() != now.state()) {
        changes.add(now);
      }
      scheduler.after(MS, sample[0]);
    };
    pair.start();
    sample[0].run();
    scheduler.runFor(duration);
    return changes;
  }

  @Test
  void startupDrainThenProbeBwCyclesItsFourPhasesInOrder() {
    LinkProfile link = LinkProfile.of(50, 40);
    List<Sample> changes = watch(link, 30 * SECOND);

    assertEquals(S.STARTUP, changes.get(0).state());
    assertEquals(S.DRAIN, changes.get(1).state(), "startup ends with the pipe full, then drains its queue");
    for (int i = 1; i < changes.size(); i++) {
      S from = changes.get(i - 1).state();
      S to = changes.get(i).state();
      assertTrue(ALLOWED.get(from).contains(to), "no " + from + " -> " + to + " in the draft: " + changes);
    }
    Map<S, Integer> entered = new EnumMap<>(S.class);
    changes.forEach(c -> entered.merge(c.state(), 1, Integer::sum));
    for (S phase : List.of(S.PROBE_BW_DOWN, S.PROBE_BW_CRUISE, S.PROBE_BW_REFILL, S.PROBE_BW_UP)) {
      assertTrue(entered.getOrDefault(phase, 0) >= 3, phase + " entered " + entered.get(phase) + " times in 30 s");
    }

    System.out.printf("BBR over 50 Mbit/s, 40 ms, 30 s: %d state changes, entered %s%n", changes.size(), entered);
  }
}
