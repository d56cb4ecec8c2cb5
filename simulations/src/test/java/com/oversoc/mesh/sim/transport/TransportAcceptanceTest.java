package com.oversoc.mesh.sim.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.sim.link.LinkProfile;
import com.oversoc.mesh.sim.transport.TransferScenario.Direction;
import com.oversoc.mesh.sim.transport.TransferScenario.Result;
import com.oversoc.mesh.sim.transport.TransferScenario.Setup;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7 acceptance, in virtual time: for every link profile, 64 MiB in each direction over 8
 * concurrent streams arrive with identical SHA-256 and no stream stalls; goodput floors hold
 * where the issue sets them. Virtual time makes every figure deterministic (seeded link, no wall
 * clock), so the goodput assertions are exact reproductions, not timing-dependent.
 */
class TransportAcceptanceTest {
  static final long BYTES_PER_DIRECTION = 64L << 20;
  static final int STREAMS = 8;
  static final long SEED = 7;
  static final long TIME_LIMIT_NANOS = 3_600_000_000_000L;
  static final long MS = 1_000_000L;

  /**
   * @param minGoodput fraction of the link rate each direction must reach between 10% and 90% of
   *     the transfer (the window has opened by then); 0 where the issue asks only for progress
   */
  record Profile(String name, Setup setup, double minGoodput) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A link both ways whose MTU is the transport's packet limit: a larger packet would be dropped. */
  static Setup symmetric(LinkProfile link) {
    return Setup.symmetric(link.withMtu(TransportSpec.MAX_PACKET_SIZE), TransportConfig.defaults(), STREAMS,
        BYTES_PER_DIRECTION, SEED, TIME_LIMIT_NANOS);
  }

  static Stream<Arguments> profiles() {
    LinkProfile direct = LinkProfile.of(100, 20);
    LinkProfile relay = LinkProfile.of(30, 120).withLoss(0.02).withJitter(5 * MS).withMtu(TransportSpec.MAX_PACKET_SIZE);
    LinkProfile blackout = direct.withLoss(1.0);
    return Stream.of(
        new Profile("0% loss, 100 Mbit/s, 20 ms", symmetric(LinkProfile.of(100, 20)), 0.90),
        new Profile("1% loss, 50 Mbit/s, 80 ms", symmetric(LinkProfile.of(50, 80).withLoss(0.01)), 0.80),
        new Profile("5% loss, 50 Mbit/s, 40 ms", symmetric(LinkProfile.of(50, 40).withLoss(0.05)), 0.50),
        new Profile("10% loss + 5% reordering + 1% duplication, 20 Mbit/s, 40 ms",
            symmetric(LinkProfile.of(20, 40).withLoss(0.10).withReordering(0.05, 10 * MS).withDuplication(0.01)
                .withJitter(2 * MS)), 0.50),
        new Profile("1 ms RTT, 1000 Mbit/s", symmetric(LinkProfile.of(1000, 1)), 0.80),
        new Profile("300 ms RTT, 100 Mbit/s", symmetric(LinkProfile.of(100, 300)), 0.50),
        new Profile("1 Mbit/s, 100 ms", symmetric(LinkProfile.of(1, 100)), 0.80),
        new Profile("path switch at 3 s: direct 100 Mbit/s 20 ms -> relay 30 Mbit/s 120 ms 2% loss",
            symmetric(direct).withSwitch(3_000 * MS, relay), 0),
        new Profile("relay restart: direct, 2 s with nothing getting through at 2 s, then the relay",
            symmetric(direct).withSwitch(2_000 * MS, blackout).withSwitch(4_000 * MS, relay), 0))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("profiles")
  void everyByteArrivesIntactWithoutStalls(Profile profile) {
    Setup setup = profile.setup();
    Result r = TransferScenario.run(setup);
    report(profile, r);

    assertTrue(r.completed(), profile + ": transfer did not complete within an hour of virtual time");
    for (Direction d : List.of(r.up(), r.down())) {
      assertEquals(List.of(), d.mismatches(), profile + ": streams differ");
      assertEquals(STREAMS, d.streamsVerified(), profile + ": streams verified by SHA-256");
      assertEquals(BYTES_PER_DIRECTION, d.bytes(), profile + ": bytes");
      long bound = stallBound(setup);
      assertTrue(d.maxStallNanos() <= bound,
          profile + ": a stream stalled for " + d.maxStallNanos() / MS + " ms (bound " + bound / MS + " ms)");
    }
    assertEquals(0, r.upLink().droppedTooBig() + r.downLink().droppedTooBig(), "every packet fits 1200 bytes");
    double linkRate = setup.up().bitsPerSecond();
    if (profile.minGoodput() > 0) {
      assertTrue(r.up().goodputBitsPerSecond() >= profile.minGoodput() * linkRate,
          profile + ": goodput up " + percent(r.up().goodputBitsPerSecond(), linkRate));
      assertTrue(r.down().goodputBitsPerSecond() >= profile.minGoodput() * linkRate,
          profile + ": goodput down " + percent(r.down().goodputBitsPerSecond(), linkRate));
    }
  }

  /**
   * Why the default is BBR: on the WAN profile (50 Mbit/s, 80 ms, 1% random loss) the
   * loss-based fallback collapses the way kernel CUBIC does there, and BBR does not.
   */
  @org.junit.jupiter.api.Test
  void bbrKeepsItsRateWhereRandomLossCollapsesNewReno() {
    LinkProfile wan = LinkProfile.of(50, 80).withLoss(0.01);
    long bytes = 8L << 20;
    Result bbr = TransferScenario.run(Setup.symmetric(wan, TransportConfig.defaults(), STREAMS, bytes, SEED,
        TIME_LIMIT_NANOS));
    Result reno = TransferScenario.run(Setup.symmetric(wan,
        TransportConfig.defaults().withCongestionControl(
            com.oversoc.mesh.protocol.transport.congestion.CongestionControl.NEW_RENO),
        STREAMS, bytes, SEED, TIME_LIMIT_NANOS));
    System.out.printf("TRANSPORT 1%% loss, 50 Mbit/s, 80 ms, 8 MiB each way: BBR %s, NewReno %s%n",
        percent(bbr.up().goodputBitsPerSecond(), wan.bitsPerSecond()),
        percent(reno.up().goodputBitsPerSecond(), wan.bitsPerSecond()));
    assertTrue(bbr.completed() && reno.completed());
    assertEquals(STREAMS, reno.up().streamsVerified(), "NewReno is slow, not wrong");
    assertTrue(bbr.up().goodputBitsPerSecond() >= 5 * reno.up().goodputBitsPerSecond(),
        "BBR " + bbr.up().goodputBitsPerSecond() + " vs NewReno " + reno.up().goodputBitsPerSecond());
  }

  /**
   * Longest acceptable silence of one stream: 20 round trips plus the time the bottleneck needs
   * for its queue and one MiB (the streams share the link round-robin), at least 2 s, taking the
   * slowest and longest path of the run, plus the time nothing got through at all.
   */
  static long stallBound(Setup setup) {
    List<LinkProfile> paths = new java.util.ArrayList<>(List.of(setup.up()));
    long blackout = 0;
    for (int i = 0; i < setup.changes().size(); i++) {
      TransferScenario.PathChange c = setup.changes().get(i);
      if (c.up().lossRate() >= 1.0) {
        blackout += i + 1 < setup.changes().size() ? setup.changes().get(i + 1).atNanos() - c.atNanos() : 0;
      } else {
        paths.add(c.up());
      }
    }
    long worst = 0;
    for (LinkProfile p : paths) {
      long drain = (long) ((p.queueBytes() + (1 << 20)) * 8e9 / p.bitsPerSecond());
      worst = Math.max(worst, 20 * 2 * (p.oneWayDelayNanos() + p.jitterNanos()) + drain);
    }
    return Math.max(worst, 2_000 * MS) + blackout;
  }

  static String percent(double bitsPerSecond, double linkRate) {
    return String.format("%.1f Mbit/s = %.1f%% of the link", bitsPerSecond / 1e6, 100 * bitsPerSecond / linkRate);
  }

  static void report(Profile profile, Result r) {
    double link = profile.setup().up().bitsPerSecond();
    System.out.printf("TRANSPORT %-80s up %s, down %s, virtual %.1f s, lost %d/%d, max stall %d ms%n",
        profile.name(), percent(r.up().goodputBitsPerSecond(), link), percent(r.down().goodputBitsPerSecond(), link),
        r.virtualNanos() / 1e9, r.platform().packetsLost(), r.platform().packetsSent(),
        Math.max(r.up().maxStallNanos(), r.down().maxStallNanos()) / MS);
  }
}
