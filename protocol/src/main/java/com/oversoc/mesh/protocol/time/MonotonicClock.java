package com.oversoc.mesh.protocol.time;

/**
 * A monotonic time source in nanoseconds, with an arbitrary origin (like {@link System#nanoTime()}).
 * Only differences between two readings mean anything.
 */
@FunctionalInterface
public interface MonotonicClock {
  long nanos();
}
