package com.oversoc.mesh.protocol.transport.congestion;

/**
 * Windowed maximum over the last {@code window} periods of a caller-supplied counter (BBR's
 * rounds or ProbeBW cycles), kept as one best value per period in a small ring.
 */
final class MaxFilter {
  private final long[] best;
  private final long[] period;

  MaxFilter(int window) {
    best = new long[window];
    period = new long[window];
    java.util.Arrays.fill(period, Long.MIN_VALUE);
  }

  void update(long value, long now) {
    int slot = (int) Math.floorMod(now, (long) best.length);
    if (period[slot] != now) {
      period[slot] = now;
      best[slot] = value;
    } else if (value > best[slot]) {
      best[slot] = value;
    }
  }

  long get(long now) {
    long max = 0;
    for (int i = 0; i < best.length; i++) {
      if (period[i] != Long.MIN_VALUE && now - period[i] < best.length) {
        max = Math.max(max, best[i]);
      }
    }
    return max;
  }

  void reset() {
    java.util.Arrays.fill(period, Long.MIN_VALUE);
  }
}
