package com.oversoc.mesh.protocol.transport.congestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.recovery.RateSample;
import com.oversoc.mesh.protocol.transport.recovery.RttEstimator;
import com.oversoc.mesh.protocol.transport.recovery.SentPacket;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CongestionControllersTest {
  static final int MSS = TransportSpec.MAX_PACKET_SIZE;
  static final long MS = 1_000_000L;

  static RateSample acked(long bytes) {
    return new RateSample(-1, bytes, 0, 0, false, 0, 0, bytes, 0, -1);
  }

  static SentPacket packet(long pn, long time) {
    return new SentPacket(pn, time, MSS, true, List.of());
  }

  @Test
  void newRenoSlowStartsHalvesOncePerRecoveryPeriodAndCollapsesOnPersistentCongestion() {
    CongestionController c = CongestionControl.NEW_RENO.create(0, new SplittableRandom(1));
    RttEstimator rtt = new RttEstimator();
    rtt.update(20 * MS, 0);
    assertEquals(CongestionControl.INITIAL_WINDOW, c.congestionWindow());
    c.onAck(acked(12_000), 10 * MS, 0, true, rtt, 30 * MS);
    assertEquals(24_000, c.congestionWindow(), "slow start adds what was acknowledged");
    c.onPacketLost(packet(5, 40 * MS), MSS, 60 * MS);
    assertEquals(12_000, c.congestionWindow());
    c.onPacketLost(packet(6, 41 * MS), 2 * MSS, 61 * MS);
    assertEquals(12_000, c.congestionWindow(), "one reduction per recovery period");
    c.onAck(acked(12_000), 50 * MS, 0, true, rtt, 70 * MS);
    assertEquals(12_000, c.congestionWindow(), "no growth for packets sent before recovery began");
    c.onAck(acked(12_000), 65 * MS, 0, true, rtt, 90 * MS);
    assertEquals(12_000 + MSS, c.congestionWindow(), "congestion avoidance: one packet per window");
    c.onAck(acked(12_000), 66 * MS, 0, false, rtt, 91 * MS);
    assertEquals(12_000 + MSS, c.congestionWindow(), "no growth when the window was not the limit");
    c.onPersistentCongestion(100 * MS);
    assertEquals(CongestionControl.MINIMUM_WINDOW, c.congestionWindow());
  }

  @Test
  void bbrStartsInStartupPacingAtHighGainOverTheInitialWindow() {
    Bbr b = new Bbr(0, new SplittableRandom(1));
    assertEquals(Bbr.State.STARTUP, b.bbrState());
    assertEquals((long) (Bbr.STARTUP_PACING_GAIN * CongestionControl.INITIAL_WINDOW * 1e9
        / TransportSpec.INITIAL_RTT_NANOS), b.pacingRate());
    assertEquals(CongestionControl.INITIAL_WINDOW, b.congestionWindow());
  }

  @Test
  void bbrOnACleanPathUsesTheDraftsLossThreshold() {
    Bbr b = new Bbr(0, new SplittableRandom(1));
    assertEquals(0, b.pathLoss());
    long total = 100L * MSS;
    assertFalse(b.lossExceedsPath(2L * MSS, total), "2% is the draft's threshold, not above it");
    assertTrue(b.lossExceedsPath(3L * MSS, total));
  }

  @Test
  void bbrLeavesStartupWhenTheDeliveryRateStopsGrowing() {
    Bbr b = new Bbr(0, new SplittableRandom(1));
    RttEstimator rtt = new RttEstimator();
    long delivered = 0;
    long now = 0;
    long rate = 1_000_000;
    for (int round = 0; round < 20 && b.bbrState() == Bbr.State.STARTUP; round++) {
      now += 20 * MS;
      rtt.update(20 * MS, 0);
      long bytes = rate / 50;
      RateSample rs = new RateSample(rate, bytes, delivered, 20 * MS, false, bytes, 0, bytes, 0, 20 * MS);
      delivered += bytes;
      b.onAck(rs, now - 20 * MS, bytes, true, rtt, now);
      if (round < 5) {
        rate *= 2;
      }
    }
    assertTrue(b.maxBw() >= 32_000_000 / 2, "max bw " + b.maxBw());
    assertTrue(b.bbrState() != Bbr.State.STARTUP, "still in startup after the rate plateaued");
  }

  @Test
  void pacerAllowsAShortBurstThenSpacesPackets() {
    Pacer p = new Pacer();
    p.setRate(1_200_000, 0); // 1000 packets per second, 1 ms apart
    long now = 0;
    int burst = 0;
    while (p.nextSendTime(MSS, now) == now) {
      p.onPacketSent(MSS, now);
      burst++;
    }
    assertEquals(CongestionControl.INITIAL_WINDOW / MSS, burst, "the initial window may go at once");
    now = p.nextSendTime(MSS, now);
    p.onPacketSent(MSS, now);
    long next = p.nextSendTime(MSS, now);
    assertEquals(1_000_000, next - now, 1000, "then one packet per millisecond");
  }
}
