package com.oversoc.mesh.protocol.transport.range;

import java.util.Arrays;

/**
 * A set of {@code long}s held as sorted, disjoint, non-adjacent half-open intervals
 * {@code [start, end)}. Adding merges; the common case (appending at or next to the last
 * interval) is O(1), anything else a binary search and one array move.
 */
public final class RangeSet {
  private static final int INITIAL_CAPACITY = 4;

  private long[] starts = new long[INITIAL_CAPACITY];
  private long[] ends = new long[INITIAL_CAPACITY];
  private int size;

  public int rangeCount() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public long start(int index) {
    return starts[index];
  }

  public long end(int index) {
    return ends[index];
  }

  /** Lowest member; only if not empty. */
  public long min() {
    return starts[0];
  }

  /** One past the highest member; only if not empty. */
  public long maxExclusive() {
    return ends[size - 1];
  }

  public void clear() {
    size = 0;
  }

  /** Adds {@code [start, end)}; an empty interval is ignored. */
  public void add(long start, long end) {
    if (start >= end) {
      return;
    }
    if (size == 0 || start > ends[size - 1]) {
      insertAt(size, start, end);
      return;
    }
    if (start >= starts[size - 1]) {
      ends[size - 1] = Math.max(ends[size - 1], end);
      return;
    }
    // First interval whose end >= start (it touches or lies after the new one).
    int lo = firstEndAtLeast(start);
    // Last interval whose start <= end.
    int hi = lastStartAtMost(end);
    if (lo > hi) {
      insertAt(lo, start, end);
      return;
    }
    long newStart = Math.min(start, starts[lo]);
    long newEnd = Math.max(end, ends[hi]);
    starts[lo] = newStart;
    ends[lo] = newEnd;
    int removed = hi - lo;
    if (removed > 0) {
      System.arraycopy(starts, hi + 1, starts, lo + 1, size - hi - 1);
      System.arraycopy(ends, hi + 1, ends, lo + 1, size - hi - 1);
      size -= removed;
    }
  }

  /** Removes {@code [start, end)}. */
  public void remove(long start, long end) {
    if (start >= end || size == 0 || end <= starts[0] || start >= ends[size - 1]) {
      return;
    }
    int lo = firstEndAtLeast(start + 1);
    int hi = lastStartAtMost(end - 1);
    if (lo > hi) {
      return;
    }
    long headStart = starts[lo];
    long tailEnd = ends[hi];
    int keep = 0;
    long[] ns = new long[2];
    long[] ne = new long[2];
    if (headStart < start) {
      ns[keep] = headStart;
      ne[keep++] = start;
    }
    if (tailEnd > end) {
      ns[keep] = end;
      ne[keep++] = tailEnd;
    }
    int span = hi - lo + 1;
    int delta = keep - span;
    if (delta > 0) {
      ensureCapacity(size + delta);
    }
    System.arraycopy(starts, hi + 1, starts, lo + keep, size - hi - 1);
    System.arraycopy(ends, hi + 1, ends, lo + keep, size - hi - 1);
    for (int i = 0; i < keep; i++) {
      starts[lo + i] = ns[i];
      ends[lo + i] = ne[i];
    }
    size += delta;
  }

  /** Removes everything below {@code bound}. */
  public void removeBelow(long bound) {
    if (size == 0 || bound <= starts[0]) {
      return;
    }
    remove(starts[0], bound);
  }

  /** Drops the lowest intervals so that at most {@code max} remain. */
  public void keepHighest(int max) {
    if (size > max) {
      int drop = size - max;
      System.arraycopy(starts, drop, starts, 0, max);
      System.arraycopy(ends, drop, ends, 0, max);
      size = max;
    }
  }

  public boolean contains(long value) {
    int i = lastStartAtMost(value);
    return i >= 0 && value < ends[i];
  }

  /** End of the interval starting at or before {@code value} that contains it, else {@code value}. */
  public long contiguousEndFrom(long value) {
    int i = lastStartAtMost(value);
    return i >= 0 && value < ends[i] ? ends[i] : value;
  }

  /** Receives the intervals of {@code [from, to)} that are not members, in increasing order. */
  @FunctionalInterface
  public interface GapConsumer {
    void accept(long start, long end);
  }

  /** Calls {@code consumer} with each maximal sub-interval of {@code [from, to)} not in the set. */
  public void forEachGap(long from, long to, GapConsumer consumer) {
    long cursor = from;
    int i = Math.max(0, lastStartAtMost(from));
    for (; i < size && cursor < to; i++) {
      if (ends[i] <= cursor) {
        continue;
      }
      if (starts[i] > cursor) {
        consumer.accept(cursor, Math.min(starts[i], to));
      }
      cursor = Math.max(cursor, ends[i]);
    }
    if (cursor < to) {
      consumer.accept(cursor, to);
    }
  }

  /** Total number of members. */
  public long cardinality() {
    long n = 0;
    for (int i = 0; i < size; i++) {
      n += ends[i] - starts[i];
    }
    return n;
  }

  private int firstEndAtLeast(long value) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] >= value) {
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private int lastStartAtMost(long value) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi;
  }

  private void insertAt(int index, long start, long end) {
    ensureCapacity(size + 1);
    System.arraycopy(starts, index, starts, index + 1, size - index);
    System.arraycopy(ends, index, ends, index + 1, size - index);
    starts[index] = start;
    ends[index] = end;
    size++;
  }

  private void ensureCapacity(int needed) {
    if (needed > starts.length) {
      int capacity = Math.max(needed, starts.length * 2);
      starts = Arrays.copyOf(starts, capacity);
      ends = Arrays.copyOf(ends, capacity);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      sb.append(i == 0 ? "" : ", ").append('[').append(starts[i]).append(',').append(ends[i]).append(')');
    }
    return sb.append('}').toString();
  }
}
