package com.oversoc.mesh.sim.link;

import com.oversoc.mesh.protocol.time.ManualClock;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Discrete-event scheduler over virtual time: actions run in time order (ties in the order they
 * were scheduled), and the {@link ManualClock} jumps to each action's time, so a simulated hour
 * costs only the events in it.
 */
public final class Scheduler {
  private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final ManualClock clock;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long seq;
  private long executed;

  public Scheduler(ManualClock clock) {
    this.clock = clock;
  }

  public ManualClock clock() {
    return clock;
  }

  public long now() {
    return clock.nanos();
  }

  /** Runs {@code action} at virtual time {@code at} (now, if {@code at} is in the past). */
  public void at(long at, Runnable action) {
    queue.add(new Event(Math.max(at, clock.nanos()), seq++, action));
  }

  public void after(long delayNanos, Runnable action) {
    at(clock.nanos() + delayNanos, action);
  }

  /**
   * Runs events until {@code done} holds, no event is left, or virtual time would pass
   * {@code limitNanos}; returns true if {@code done} holds.
   */
  public boolean runUntil(BooleanSupplier done, long limitNanos) {
    while (!done.getAsBoolean()) {
      Event e = queue.peek();
      if (e == null || e.at > limitNanos) {
        return done.getAsBoolean();
      }
      queue.poll();
      clock.advanceTo(e.at);
      executed++;
      e.action.run();
    }
    return true;
  }

  /** Runs every event up to virtual time {@code until}, then sets the clock there. */
  public void runFor(long durationNanos) {
    long until = clock.nanos() + durationNanos;
    runUntil(() -> false, until);
    clock.advanceTo(until);
  }

  /** Events run so far (a measure of simulation cost). */
  public long executed() {
    return executed;
  }
}
