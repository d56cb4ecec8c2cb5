package com.oversoc.mesh.protocol.transport.congestion;

import com.oversoc.mesh.protocol.transport.TransportSpec;

/**
 * Spreads packets over time at the controller's rate with a token bucket: a full bucket allows
 * a short burst (bounded by {@link #MAX_BURST_NANOS} of sending), never a whole window at once.
 */
public final class Pacer {
  /** Longest burst, as time at the pacing rate: coarse enough for a real timer, fine enough for shallow queues. */
  public static final long MAX_BURST_NANOS = 1_000_000L;
  /** The bucket always admits this many full packets, so slow rates still send back to back pairs. */
  public static final int MIN_BURST_PACKETS = 2;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private double tokens = CongestionControl.INITIAL_WINDOW;
  private long lastRefill = Long.MIN_VALUE;
  private long rate = 1;

  /** Sets the rate in bytes per second, refilling at the old rate up to {@code now} first. */
  public void setRate(long bytesPerSecond, long now) {
    refill(now);
    rate = Math.max(bytesPerSecond, 1);
  }

  /** Earliest time a packet of {@code size} bytes may leave; {@code now} if it may leave now. */
  public long nextSendTime(int size, long now) {
    refill(now);
    if (tokens >= size) {
      return now;
    }
    long wait = (long) Math.ceil((size - tokens) * NANOS_PER_SECOND / rate);
    return now + Math.max(wait, 1);
  }

  public void onPacketSent(int size, long now) {
    refill(now);
    tokens -= size;
  }

  private void refill(long now) {
    if (lastRefill == Long.MIN_VALUE) {
      lastRefill = now;
      return;
    }
    if (now > lastRefill) {
      tokens = Math.min(capacity(), tokens + (double) rate * (now - lastRefill) / NANOS_PER_SECOND);
      lastRefill = now;
    }
  }

  private double capacity() {
    return Math.max((double) MIN_BURST_PACKETS * TransportSpec.MAX_PACKET_SIZE, (double) rate * MAX_BURST_NANOS / NANOS_PER_SECOND);
  }
}
