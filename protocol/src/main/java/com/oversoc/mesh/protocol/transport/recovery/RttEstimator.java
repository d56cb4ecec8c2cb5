package com.oversoc.mesh.protocol.transport.recovery;

import com.oversoc.mesh.protocol.transport.TransportSpec;

/** RFC 9002 section 5: latest, minimum, smoothed RTT and its variation, in nanoseconds. */
public final class RttEstimator {
  private long latest;
  private long min = Long.MAX_VALUE;
  private long smoothed = TransportSpec.INITIAL_RTT_NANOS;
  private long variation = TransportSpec.INITIAL_RTT_NANOS / 2;
  private boolean hasSample;

  /**
   * Takes one sample: {@code rtt} measured on the largest newly acknowledged packet,
   * {@code ackDelay} as reported by the peer (already capped at max_ack_delay by the caller).
   */
  public void update(long rtt, long ackDelay) {
    latest = rtt;
    min = Math.min(min, rtt);
    if (!hasSample) {
      hasSample = true;
      smoothed = rtt;
      variation = rtt / 2;
      return;
    }
    long adjusted = rtt >= min + ackDelay ? rtt - ackDelay : rtt;
    variation = (3 * variation + Math.abs(smoothed - adjusted)) / 4;
    smoothed = (7 * smoothed + adjusted) / 8;
  }

  public boolean hasSample() {
    return hasSample;
  }

  public long latest() {
    return latest;
  }

  /** Minimum RTT seen, or {@link Long#MAX_VALUE} before the first sample. */
  public long min() {
    return min;
  }

  public long smoothed() {
    return smoothed;
  }

  public long variation() {
    return variation;
  }

  /** RFC 9002 6.2.1 probe timeout, before backoff. */
  public long probeTimeout(long maxAckDelay) {
    return smoothed + Math.max(4 * variation, TransportSpec.GRANULARITY_NANOS) + maxAckDelay;
  }
}
