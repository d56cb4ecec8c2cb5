package com.oversoc.mesh.protocol.archfixture;

/** Test fixture: a "protocol" class that reads the wall clock instead of taking time as input. */
public final class ReadsTheWallClock {
  long now() {
    return System.nanoTime();
  }
}
