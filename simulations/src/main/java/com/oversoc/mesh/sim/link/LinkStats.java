package com.oversoc.mesh.sim.link;

/** Counters of one simulated link direction. */
public final class LinkStats {
  long offered;
  long delivered;
  long deliveredBytes;
  long lostRandom;
  long droppedQueueFull;
  long droppedTooBig;
  long duplicated;
  long reordered;

  public long offered() {
    return offered;
  }

  public long delivered() {
    return delivered;
  }

  public long deliveredBytes() {
    return deliveredBytes;
  }

  public long lostRandom() {
    return lostRandom;
  }

  public long droppedQueueFull() {
    return droppedQueueFull;
  }

  public long droppedTooBig() {
    return droppedTooBig;
  }

  public long duplicated() {
    return duplicated;
  }

  public long reordered() {
    return reordered;
  }

  @Override
  public String toString() {
    return "offered=" + offered + " delivered=" + delivered + " lost=" + lostRandom + " queueDrops=" + droppedQueueFull
        + " tooBig=" + droppedTooBig + " dup=" + duplicated + " reordered=" + reordered;
  }
}
