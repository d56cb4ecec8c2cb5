package com.oversoc.mesh.protocol.wireguard;

/**
 * The receive side's replay filter for one key pair: a sliding bitmap of counters (RFC 6479) of
 * 128 blocks of 64 bits, of which 127 are in the window, so counters up to 8128 behind the
 * highest one seen are accepted once each, in any order, and everything older is refused.
 *
 * <p>The window moves only for a counter that has authenticated, so the receiver asks
 * {@link #mayAccept} before decrypting (cheap, changes nothing) and calls {@link #accept} after
 * the tag verified. Counters are unsigned 64-bit values.
 *
 * <p>Not thread-safe: it belongs to its key pair's receiver.
 */
public final class ReplayWindow {
  private static final int BLOCK_BIT_LOG = 6;
  private static final int BLOCK_BITS = 1 << BLOCK_BIT_LOG;
  private static final int RING_BLOCKS = 1 << 7;
  private static final int BLOCK_MASK = RING_BLOCKS - 1;
  private static final int BIT_MASK = BLOCK_BITS - 1;
  /** Counters this far behind the highest one seen are still accepted: (128 - 1) x 64 = 8128. */
  public static final int WINDOW_SIZE = (RING_BLOCKS - 1) * BLOCK_BITS;

  private final long[] ring = new long[RING_BLOCKS];
  private long last;

  /**
   * Whether {@code counter} would be accepted now: below {@code limit}, not older than the
   * window, and not seen. Changes nothing.
   */
  public boolean mayAccept(long counter, long limit) {
    if (Long.compareUnsigned(counter, limit) >= 0) {
      return false;
    }
    if (Long.compareUnsigned(counter, last) > 0) {
      return true;
    }
    if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
      return false;
    }
    return (ring[(int) (counter >>> BLOCK_BIT_LOG) & BLOCK_MASK] & (1L << (counter & BIT_MASK))) == 0;
  }

  /**
   * Records {@code counter} as received: true the first time a counter inside the window and
   * below {@code limit} is seen, false for a replay, a counter behind the window, or one at or
   * above the limit.
   */
  public boolean accept(long counter, long limit) {
    if (Long.compareUnsigned(counter, limit) >= 0) {
      return false;
    }
    long block = counter >>> BLOCK_BIT_LOG;
    if (Long.compareUnsigned(counter, last) > 0) {
      long current = last >>> BLOCK_BIT_LOG;
      long diff = Math.min(block - current, RING_BLOCKS);
      for (long i = current + 1; i <= current + diff; i++) {
        ring[(int) i & BLOCK_MASK] = 0;
      }
      last = counter;
    } else if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
      return false;
    }
    int index = (int) block & BLOCK_MASK;
    long bit = 1L << (counter & BIT_MASK);
    long old = ring[index];
    ring[index] = old | bit;
    return (old & bit) == 0;
  }
}
