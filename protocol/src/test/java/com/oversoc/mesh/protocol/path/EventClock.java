package com.oversoc.mesh.protocol.path;

import java.util.PriorityQueue;

/** Discrete-event time for selector tests: actions at nanosecond times, run in time order (ties in scheduling order). */
final class EventClock {
  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;

  private record Event(long at, long seq, Runnable action) {}

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long seq;
  private long now;

  long now() {
    return now;
  }

  void at(long time, Runnable action) {
    if (time < now) {
      throw new IllegalArgumentException("event in the past: " + time + " < " + now);
    }
    queue.add(new Event(time, seq++, action));
  }

  void after(long delay, Runnable action) {
    at(now + delay, action);
  }

  /** Runs the earliest event due by {@code until}; false (and time moved to {@code until}) if there is none. */
  boolean runNext(long until) {
    Event next = queue.peek();
    if (next == null || next.at > until) {
      now = Math.max(now, until);
      return false;
    }
    queue.poll();
    now = next.at;
    next.action.run();
    return true;
  }
}
