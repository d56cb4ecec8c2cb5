package com.oversoc.mesh.sim.link;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One direction of a link in virtual time. A datagram goes through, in order: MTU check, random
 * loss, the bottleneck (a drop-tail queue drained at the link rate), then propagation delay plus
 * jitter, possibly held back (reordering) or delivered twice (duplication). Several senders may
 * share one instance: that is a shared bottleneck. Every random draw comes from the seeded
 * generator, so a run is exactly repeatable.
 */
public final class SimulatedLink {
  private static final double NANOS_PER_SECOND = 1e9;

  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final LinkStats stats = new LinkStats();
  private LinkProfile profile;
  /** When the bottleneck finishes serializing everything queued so far. */
  private long busyUntil;
  /** Latest delivery time of an in-order packet: jitter never reorders. */
  private long lastInOrderDelivery;

  public SimulatedLink(Scheduler scheduler, LinkProfile profile, RandomGenerator random) {
    this.scheduler = scheduler;
    this.profile = profile;
    this.random = random;
  }

  public LinkProfile profile() {
    return profile;
  }

  /** Changes the link's behaviour from now on (packets already in flight keep their timing). */
  public void setProfile(LinkProfile profile) {
    this.profile = profile;
  }

  public LinkStats stats() {
    return stats;
  }

  /** Offers a datagram to the link; {@code deliver} receives it at the far end, maybe never, maybe twice. */
  public void send(byte[] datagram, Consumer<byte[]> deliver) {
    stats.offered++;
    LinkProfile p = profile;
    long now = scheduler.now();
    if (datagram.length > p.mtu()) {
      stats.droppedTooBig++;
      return;
    }
    if (p.lossRate() > 0 && random.nextDouble() < p.lossRate()) {
      stats.lostRandom++;
      return;
    }
    long departure = now;
    if (p.bitsPerSecond() > 0) {
      long start = Math.max(now, busyUntil);
      if (p.queueBytes() > 0) {
        double backlogBytes = (start - now) * p.bitsPerSecond() / 8.0 / NANOS_PER_SECOND;
        if (backlogBytes + datagram.length > p.queueBytes()) {
          stats.droppedQueueFull++;
          return;
        }
      }
      long serialization = (long) Math.ceil((datagram.length + p.perPacketOverhead()) * 8.0 * NANOS_PER_SECOND
          / p.bitsPerSecond());
      busyUntil = start + serialization;
      departure = busyUntil;
    }
    long arrival = departure + p.oneWayDelayNanos();
    if (p.jitterNanos() > 0) {
      arrival += random.nextLong(p.jitterNanos());
    }
    if (p.reorderRate() > 0 && random.nextDouble() < p.reorderRate()) {
      stats.reordered++;
      arrival += p.reorderDelayNanos();
    } else {
      arrival = Math.max(arrival, lastInOrderDelivery);
      lastInOrderDelivery = arrival;
    }
    schedule(arrival, datagram, deliver);
    if (p.duplicateRate() > 0 && random.nextDouble() < p.duplicateRate()) {
      stats.duplicated++;
      schedule(arrival + 1 + (p.jitterNanos() > 0 ? random.nextLong(p.jitterNanos()) : 0), datagram, deliver);
    }
  }

  private void schedule(long at, byte[] datagram, Consumer<byte[]> deliver) {
    scheduler.at(at, () -> {
      stats.delivered++;
      stats.deliveredBytes += datagram.length;
      deliver.accept(datagram);
    });
  }
}
