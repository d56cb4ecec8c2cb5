package com.oversoc.mesh.protocol.transport.recovery;

/**
 * Delivery-rate sampling (draft-cheng-iccrg-delivery-rate-estimation): each packet remembers how
 * much the connection had delivered when it left; when it is acknowledged, delivered bytes over
 * the longer of its send and ACK intervals is a bandwidth sample that never overestimates the
 * bottleneck, and app-limited samples are marked so that they do not lower the estimate.
 */
final class DeliveryRateEstimator {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private long delivered;
  private long deliveredTime;
  private long firstSentTime;
  /** Nonzero while app-limited: the delivered count at which the app-limited phase ends. */
  private long appLimitedUntil;
  private long lost;

  // The sample being built from the current ACK.
  private long priorDelivered;
  private long sendElapsed;
  private long ackElapsed;
  private boolean sampleAppLimited;
  private long sampleTxInFlight;
  private long sampleLostAtSend;
  private long sampleRtt = -1;
  private boolean haveSample;
  private long newlyAcked;
  private long newlyLost;

  void onPacketSent(SentPacket p, long bytesInFlightBefore, long now) {
    if (bytesInFlightBefore == 0) {
      firstSentTime = now;
      deliveredTime = now;
    }
    p.firstSentTime = firstSentTime;
    p.deliveredTime = deliveredTime;
    p.delivered = delivered;
    p.appLimited = appLimitedUntil != 0;
    p.txInFlight = bytesInFlightBefore + p.size;
    p.lostAtSend = lost;
  }

  /** The application has nothing to send though the window would allow it. */
  void onAppLimited(long bytesInFlight) {
    appLimitedUntil = Math.max(delivered + bytesInFlight, 1);
  }

  void onPacketAcked(SentPacket p, long now) {
    delivered += p.size;
    deliveredTime = now;
    newlyAcked += p.size;
    if (!haveSample || p.delivered >= priorDelivered) {
      haveSample = true;
      priorDelivered = p.delivered;
      sampleAppLimited = p.appLimited;
      sendElapsed = p.timeSent - p.firstSentTime;
      ackElapsed = deliveredTime - p.deliveredTime;
      sampleTxInFlight = p.txInFlight;
      sampleLostAtSend = p.lostAtSend;
      sampleRtt = now - p.timeSent;
      firstSentTime = p.timeSent;
    }
  }

  void onPacketLost(SentPacket p) {
    lost += p.size;
    newlyLost += p.size;
  }

  long lost() {
    return lost;
  }

  /** Ends the current ACK: returns its sample and starts a new one. */
  RateSample finishSample(long minRtt) {
    if (appLimitedUntil != 0 && delivered > appLimitedUntil) {
      appLimitedUntil = 0;
    }
    RateSample rs;
    if (!haveSample) {
      rs = new RateSample(-1, 0, delivered, 0, appLimitedUntil != 0, 0, 0, newlyAcked, newlyLost, -1);
    } else {
      long interval = Math.max(sendElapsed, ackElapsed);
      long sampleDelivered = delivered - priorDelivered;
      long rate = -1;
      // A sample shorter than min RTT is from ACK compression and would overestimate.
      if (interval > 0 && (minRtt == Long.MAX_VALUE || interval >= minRtt)) {
        rate = (long) ((double) sampleDelivered * NANOS_PER_SECOND / interval);
      }
      rs = new RateSample(rate, sampleDelivered, priorDelivered, interval, sampleAppLimited,
          sampleTxInFlight, lost - sampleLostAtSend, newlyAcked, newlyLost, sampleRtt);
    }
    haveSample = false;
    newlyAcked = 0;
    newlyLost = 0;
    sampleRtt = -1;
    return rs;
  }
}
