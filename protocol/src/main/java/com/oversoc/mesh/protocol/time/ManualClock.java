package com.oversoc.mesh.protocol.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock that moves only when told to: the monotonic and the wall-clock reading advance
 * together. Used by tests and by the simulator's virtual time. Not thread-safe by design; the
 * simulator and tests drive it from one thread.
 */
public final class ManualClock implements MonotonicClock, InstantSource {
  private long nanos;
  private final Instant wallOrigin;

  /** Starts at monotonic 0 and wall time {@code wallOrigin}. */
  public ManualClock(Instant wallOrigin) {
    this.wallOrigin = wallOrigin;
  }

  /** Starts at monotonic 0 and wall time 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public long nanos() {
    return nanos;
  }

  @Override
  public Instant instant() {
    return wallOrigin.plusNanos(nanos);
  }

  public void advance(Duration d) {
    advanceNanos(d.toNanos());
  }

  public void advanceNanos(long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("time never goes backwards: " + delta);
    }
    nanos += delta;
  }

  /** Moves to {@code target} if it is later than now; a clock never goes back. */
  public void advanceTo(long targetNanos) {
    if (targetNanos > nanos) {
      nanos = targetNanos;
    }
  }
}
