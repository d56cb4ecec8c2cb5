package com.oversoc.mesh.sim.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.time.ManualClock;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.sim.link.LinkProfile;
import com.oversoc.mesh.sim.link.Scheduler;
import com.oversoc.mesh.sim.link.SimulatedLink;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Two connections share one bottleneck: the second starts while the first already fills the
 * link, and after convergence each gets within 30% of an equal share (issue 7 acceptance).
 * BBR converges slowly here (each ProbeBW cycle of 2 to 3 s moves the shares a little, and the
 * draft's two-cycle bandwidth filter remembers the old share): measured on this profile, 80/20
 * over the 5 s before 20 s, 57/43 before 50 s, and 50/50 from 70 s on, so shares are measured
 * from 60 s to 100 s.
 */
class SharedBottleneckTest {
  static final long SECOND = 1_000_000_000L;
  static final long SECOND_STARTS_AT = 2 * SECOND;
  /** Shares are measured over this window, after the flows had time to converge. */
  static final long MEASURE_FROM = 60 * SECOND;
  static final long MEASURE_TO = 100 * SECOND;
  static final double MAX_DEVIATION_FROM_EQUAL = 0.30;

  @Test
  void twoConnectionsConvergeToAnEqualShare() {
    LinkProfile link = LinkProfile.of(50, 40);
    Scheduler scheduler = new Scheduler(new ManualClock());
    SplittableRandom seeds = new SplittableRandom(11);
    SimulatedLink up = new SimulatedLink(scheduler, link, seeds.split());
    SimulatedLink down = new SimulatedLink(scheduler, link, seeds.split());
    long endless = 1L << 40;
    TransferScenario.Pair first = new TransferScenario.Pair(scheduler, up, down, TransportConfig.defaults(), 4,
        endless, 0, seeds.split());
    TransferScenario.Pair second = new TransferScenario.Pair(scheduler, up, down, TransportConfig.defaults(), 4,
        endless, 0, seeds.split());
    first.start();
    scheduler.at(SECOND_STARTS_AT, second::start);

    scheduler.runFor(MEASURE_FROM);
    long firstAtStart = first.receivedUp();
    long secondAtStart = second.receivedUp();
    scheduler.runFor(MEASURE_TO - MEASURE_FROM);
    long a = first.receivedUp() - firstAtStart;
    long b = second.receivedUp() - secondAtStart;

    double total = a + b;
    double shareA = a / total;
    double shareB = b / total;
    double utilization = total * 8 / ((MEASURE_TO - MEASURE_FROM) / 1e9) / link.bitsPerSecond();
    System.out.printf("TRANSPORT fairness on 50 Mbit/s, 40 ms: first %.1f%%, second %.1f%%, link utilization %.1f%%%n",
        100 * shareA, 100 * shareB, 100 * utilization);
    for (double share : new double[] {shareA, shareB}) {
      assertTrue(Math.abs(share - 0.5) <= 0.5 * MAX_DEVIATION_FROM_EQUAL,
          String.format("shares %.3f / %.3f are not within 30%% of equal", shareA, shareB));
    }
    assertTrue(utilization >= 0.85, "the two flows together use " + utilization + " of the link");
  }
}
