package com.oversoc.mesh.protocol.transport.congestion;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.recovery.RateSample;
import com.oversoc.mesh.protocol.transport.recovery.RttEstimator;
import com.oversoc.mesh.protocol.transport.recovery.SentPacket;

/** RFC 9002 section 7 NewReno: slow start, congestion avoidance, one reduction per recovery period. */
final class NewReno implements CongestionController {
  /** RFC 9002 kLossReductionFactor. */
  private static final double LOSS_REDUCTION_FACTOR = 0.5;
  /** Pacing gains over cwnd/srtt: 2 while the window doubles, 1.25 after (RFC 9002 7.7 suggests 1.25). */
  private static final double SLOW_START_PACING_GAIN = 2.0;
  private static final double AVOIDANCE_PACING_GAIN = 1.25;
  private static final int MSS = TransportSpec.MAX_PACKET_SIZE;

  private long cwnd = CongestionControl.INITIAL_WINDOW;
  private long ssthresh = Long.MAX_VALUE;
  private long recoveryStartTime = Long.MIN_VALUE;
  private long avoidanceAcked;
  private long smoothedRtt = TransportSpec.INITIAL_RTT_NANOS;

  @Override
  public void onPacketSent(SentPacket packet, long bytesInFlight, long now) {}

  @Override
  public void onPacketLost(SentPacket packet, long connectionLostBytes, long now) {
    if (packet.timeSent > recoveryStartTime) {
      recoveryStartTime = now;
      ssthresh = Math.max((long) (cwnd * LOSS_REDUCTION_FACTOR), CongestionControl.MINIMUM_WINDOW);
      cwnd = ssthresh;
      avoidanceAcked = 0;
    }
  }

  @Override
  public void onAck(RateSample sample, long largestAckedTimeSent, long bytesInFlight, boolean cwndLimited,
      RttEstimator rtt, long now) {
    smoothedRtt = rtt.smoothed();
    if (largestAckedTimeSent <= recoveryStartTime || !cwndLimited) {
      return;
    }
    long acked = sample.newlyAcked();
    if (cwnd < ssthresh) {
      cwnd += acked;
      return;
    }
    avoidanceAcked += acked;
    if (avoidanceAcked >= cwnd) {
      avoidanceAcked -= cwnd;
      cwnd += MSS;
    }
  }

  @Override
  public void onPersistentCongestion(long now) {
    cwnd = CongestionControl.MINIMUM_WINDOW;
    recoveryStartTime = Long.MIN_VALUE;
  }

  @Override
  public long congestionWindow() {
    return cwnd;
  }

  @Override
  public long pacingRate() {
    double gain = cwnd < ssthresh ? SLOW_START_PACING_GAIN : AVOIDANCE_PACING_GAIN;
    return (long) (gain * cwnd * 1e9 / Math.max(smoothedRtt, 1));
  }

  @Override
  public String state() {
    return cwnd < ssthresh ? "slow-start" : "avoidance";
  }
}
