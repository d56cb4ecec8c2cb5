package com.oversoc.mesh.protocol.transport.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.frame.AckFrame;
import com.oversoc.mesh.protocol.transport.frame.PacketRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  static final long MS = 1_000_000L;
  static final long MAX_ACK_DELAY = TransportSpec.MAX_ACK_DELAY_NANOS;

  final List<Long> acked = new ArrayList<>();
  final List<Long> lost = new ArrayList<>();
  final List<RateSample> samples = new ArrayList<>();
  int persistent;
  final Recovery recovery = new Recovery(new Recovery.Listener() {
    @Override
    public void onPacketAcked(SentPacket packet) {
      acked.add(packet.packetNumber);
    }

    @Override
    public void onPacketLost(SentPacket packet, long connectionLostBytes, long now) {
      lost.add(packet.packetNumber);
    }

    @Override
    public void onAckProcessed(RateSample sample, long largestAckedTimeSent, long now) {
      samples.add(sample);
    }

    @Override
    public void onPersistentCongestion(long now) {
      persistent++;
    }
  }, MAX_ACK_DELAY);

  void send(int count, long now) {
    for (int i = 0; i < count; i++) {
      long pn = recovery.takePacketNumber();
      recovery.onPacketSent(new SentPacket(pn, now, 1200, true, List.of()), now);
    }
  }

  static AckFrame ack(long delayMicros, long... firstLastPairs) {
    List<PacketRange> ranges = new ArrayList<>();
    for (int i = 0; i < firstLastPairs.length; i += 2) {
      ranges.add(new PacketRange(firstLastPairs[i], firstLastPairs[i + 1]));
    }
    return new AckFrame(delayMicros, ranges);
  }

  @Test
  void rttFollowsRfc9002() throws Exception {
    send(1, 0);
    recovery.onAckReceived(ack(0, 0, 0), 100 * MS);
    RttEstimator rtt = recovery.rtt();
    assertEquals(100 * MS, rtt.smoothed());
    assertEquals(50 * MS, rtt.variation());
    assertEquals(100 * MS, rtt.min());
    send(1, 200 * MS);
    // 140 ms measured, 20 ms of it the peer's ack delay: adjusted sample 120 ms.
    recovery.onAckReceived(ack(20_000, 1, 1), 340 * MS);
    assertEquals(140 * MS, rtt.latest());
    assertEquals((7 * 100 + 120) * MS / 8, rtt.smoothed());
    assertEquals((3 * 50 + 20) * MS / 4, rtt.variation());
    assertEquals(100 * MS, rtt.min());
  }

  @Test
  void ackDelayIsCappedAtMaxAckDelay() throws Exception {
    send(1, 0);
    recovery.onAckReceived(ack(0, 0, 0), 100 * MS);
    send(1, 200 * MS);
    recovery.onAckReceived(ack(500_000, 1, 1), 400 * MS); // claims 500 ms of delay
    assertEquals((7 * 100 + 200 - 25) * MS / 8, recovery.rtt().smoothed());
  }

  @Test
  void threePacketsAcknowledgedAfterAPacketDeclareItLost() throws Exception {
    send(5, 0);
    recovery.onAckReceived(ack(0, 1, 2), 50 * MS);
    assertEquals(List.of(), lost, "two newer packets are not enough");
    recovery.onAckReceived(ack(0, 1, 4), 51 * MS);
    assertEquals(List.of(0L), lost);
    assertEquals(List.of(1L, 2L, 3L, 4L), acked);
    assertEquals(0, recovery.bytesInFlight());
  }

  @Test
  void theTimeThresholdDeclaresLossThroughTheLossTimer() throws Exception {
    send(1, 0);
    send(1, MS);
    recovery.onAckReceived(ack(0, 1, 1), 41 * MS); // rtt 40 ms: lost 45 ms after sending
    assertEquals(List.of(), lost);
    assertEquals(45 * MS, recovery.deadline());
    recovery.onTimeout(44 * MS);
    assertEquals(List.of(), lost);
    recovery.onTimeout(45 * MS);
    assertEquals(List.of(0L), lost);
  }

  @Test
  void probeTimeoutBacksOffExponentially() {
    send(1, 0);
    long pto = TransportSpec.INITIAL_RTT_NANOS + 4 * TransportSpec.INITIAL_RTT_NANOS / 2 + MAX_ACK_DELAY;
    assertEquals(pto, recovery.deadline());
    recovery.onTimeout(pto);
    assertEquals(2, recovery.probesWanted());
    assertEquals(2 * pto, recovery.deadline());
    recovery.onProbeSent();
    recovery.onProbeSent();
    recovery.onTimeout(2 * pto);
    assertEquals(4 * pto, recovery.deadline());
    assertEquals(2, recovery.ptoCount());
  }

  @Test
  void acknowledgingAPacketNeverSentIsRejected() {
    send(2, 0);
    assertThrows(Recovery.InvalidAckException.class, () -> recovery.onAckReceived(ack(0, 0, 5), MS));
  }

  @Test
  void repeatedAckRangesAreProcessedOnce() throws Exception {
    send(4, 0);
    recovery.onAckReceived(ack(0, 0, 1), 10 * MS);
    recovery.onAckReceived(ack(0, 0, 2), 11 * MS);
    assertEquals(List.of(0L, 1L, 2L), acked);
  }

  @Test
  void anAckForAPacketDeclaredLostWidensTheReorderingThresholds() throws Exception {
    send(10, 0);
    recovery.onAckReceived(ack(0, 4, 9), 20 * MS);
    assertEquals(List.of(0L, 1L, 2L, 3L), lost);
    recovery.onAckReceived(ack(0, 0, 9), 21 * MS);
    assertEquals(4, recovery.spuriousLosses());
    send(12, 30 * MS);
    // Packet 10 is now 9 behind packet 19, and the widened threshold (10) keeps it.
    recovery.onAckReceived(ack(0, 11, 19), 40 * MS);
    assertEquals(List.of(0L, 1L, 2L, 3L), lost);
  }

  @Test
  void persistentCongestionNeedsARunOfLossesLongerThanThreePtos() throws Exception {
    send(1, 0);
    recovery.onAckReceived(ack(0, 0, 0), 10 * MS); // first RTT sample: 10 ms
    for (int i = 0; i < 10; i++) {
      send(1, 20 * MS + i * 100 * MS);
    }
    send(1, 1_200 * MS);
    recovery.onAckReceived(ack(0, 11, 11), 1_210 * MS);
    assertEquals(10, lost.size());
    assertEquals(1, persistent);
  }

  @Test
  void deliveryRateIsBytesOverTheLongerOfSendAndAckIntervals() throws Exception {
    send(1, 0);
    recovery.onAckReceived(ack(0, 0, 0), 100 * MS);
    send(10, 100 * MS);
    recovery.onAckReceived(ack(0, 0, 10), 200 * MS);
    RateSample s = samples.get(samples.size() - 1);
    assertEquals(12_000, s.delivered());
    assertEquals(100 * MS, s.interval());
    assertEquals(120_000, s.deliveryRate());
    assertEquals(12_000, s.newlyAcked());
  }
}
