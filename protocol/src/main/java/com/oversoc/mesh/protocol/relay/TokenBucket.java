package com.oversoc.mesh.protocol.relay;

/**
 * A token bucket that lets a caller run into debt: {@link #take} always takes what it asks and
 * says how long to pause until the bucket is back to zero. A stream stage that stops reading for
 * that long shapes its peer to the rate, with bursts up to the bucket's size, and never drops
 * anything. Pure: time comes in as monotonic nanoseconds. Not thread-safe.
 */
public final class TokenBucket {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double ratePerNano;
  private final long burst;
  private double tokens;
  private long lastNanos;

  /**
   * @param ratePerSecond tokens added per second, positive
   * @param burst the bucket's size: what may be taken at once after a quiet period
   */
  public TokenBucket(long ratePerSecond, long burst, long nowNanos) {
    if (ratePerSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("rate and burst must be positive, got " + ratePerSecond + " and " + burst);
    }
    this.ratePerNano = (double) ratePerSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Takes {@code cost} tokens; returns 0, or the nanoseconds to pause before taking more. */
  public long take(long cost, long nowNanos) {
    refill(nowNanos);
    tokens -= cost;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
  }

  /** Takes {@code cost} tokens only if they are all there now. */
  public boolean tryTake(long cost, long nowNanos) {
    refill(nowNanos);
    if (tokens < cost) {
      return false;
    }
    tokens -= cost;
    return true;
  }

  private void refill(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
      lastNanos = nowNanos;
    }
  }
}
