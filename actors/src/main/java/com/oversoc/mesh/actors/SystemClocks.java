package com.oversoc.mesh.actors;

import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.time.InstantSource;

/** The real clocks that production passes to protocol code (which never reads a clock itself). */
public final class SystemClocks {
  /** {@link System#nanoTime()}. */
  public static final MonotonicClock MONOTONIC = System::nanoTime;
  /** The system wall clock, UTC. */
  public static final InstantSource WALL = InstantSource.system();

  private SystemClocks() {}
}
