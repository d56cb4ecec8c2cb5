package com.oversoc.mesh.protocol.transport.congestion;

import com.oversoc.mesh.protocol.transport.recovery.RateSample;
import com.oversoc.mesh.protocol.transport.recovery.RttEstimator;
import com.oversoc.mesh.protocol.transport.recovery.SentPacket;

/** A congestion controller: fed by recovery, read by the sender and the pacer. */
public interface CongestionController {
  /** {@code bytesInFlight} includes the packet. */
  void onPacketSent(SentPacket packet, long bytesInFlight, long now);

  /** Called per lost packet, before the {@link #onAck} of the same ACK; {@code connectionLostBytes} includes it. */
  void onPacketLost(SentPacket packet, long connectionLostBytes, long now);

  /**
   * Called once per processed ACK (and per loss-timer expiry, with {@code largestAckedTimeSent}
   * -1 and an empty sample).
   *
   * @param cwndLimited the sender was held back by the window since the previous call
   */
  void onAck(RateSample sample, long largestAckedTimeSent, long bytesInFlight, boolean cwndLimited,
      RttEstimator rtt, long now);

  /** RFC 9002 7.6: every packet over a long interval was lost. */
  void onPersistentCongestion(long now);

  /** Bytes that may be in flight. */
  long congestionWindow();

  /** Bytes per second the pacer should send at. */
  long pacingRate();

  /** Short state name for statistics and logs. */
  String state();
}
