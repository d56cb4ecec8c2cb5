package com.oversoc.mesh.protocol.transport.stream;

import java.nio.ByteBuffer;

/**
 * Bytes of a stream addressed by stream offset, held in a power-of-two ring that grows on demand
 * up to a cap: an idle stream costs little, a busy one never more than its cap.
 */
final class ByteRing {
  private static final int MIN_CAPACITY = 4096;

  private final int maxCapacity;
  private byte[] ring = new byte[0];
  /** Lowest live offset (everything below was released). */
  private long low;

  ByteRing(long maxBytes) {
    int cap = MIN_CAPACITY;
    while (cap < maxBytes && cap < (1 << 30)) {
      cap <<= 1;
    }
    this.maxCapacity = cap;
  }

  long low() {
    return low;
  }

  /** Stores {@code src} (position..limit) at {@code offset}; the caller keeps offsets within cap of {@link #low()}. */
  void put(long offset, ByteBuffer src, long highLive) {
    int n = src.remaining();
    ensure(offset + n - low, highLive);
    int mask = ring.length - 1;
    int start = (int) (offset & mask);
    int first = Math.min(n, ring.length - start);
    src.get(ring, start, first);
    if (first < n) {
      src.get(ring, 0, n - first);
    }
  }

  /** Copies {@code length} bytes at {@code offset} into {@code dst}. */
  void get(long offset, int length, ByteBuffer dst) {
    int mask = ring.length - 1;
    int start = (int) (offset & mask);
    int first = Math.min(length, ring.length - start);
    dst.put(ring, start, first);
    if (first < length) {
      dst.put(ring, 0, length - first);
    }
  }

  /** Forgets everything below {@code offset}. */
  void release(long offset) {
    if (offset > low) {
      low = offset;
    }
  }

  /** Frees the storage; the ring stays usable and grows again on the next put. */
  void free(long newLow) {
    ring = new byte[0];
    low = newLow;
  }

  int maxCapacity() {
    return maxCapacity;
  }

  private void ensure(long span, long highLive) {
    if (span <= ring.length) {
      return;
    }
    if (span > maxCapacity) {
      throw new IllegalStateException("stream buffer overrun: " + span + " > " + maxCapacity);
    }
    int cap = Math.max(MIN_CAPACITY, ring.length);
    while (cap < span) {
      cap <<= 1;
    }
    byte[] bigger = new byte[cap];
    if (ring.length > 0) {
      // Move the live bytes [low, highLive) to their places in the bigger ring.
      for (long o = low; o < highLive; ) {
        int from = (int) (o & (ring.length - 1));
        int to = (int) (o & (cap - 1));
        int n = (int) Math.min(highLive - o, Math.min(ring.length - from, cap - to));
        System.arraycopy(ring, from, bigger, to, n);
        o += n;
      }
    }
    ring = bigger;
  }
}
