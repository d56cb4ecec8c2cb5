package com.oversoc.mesh.protocol.transport.recovery;

import java.util.Arrays;

/**
 * Outstanding sent packets indexed by packet number. Packet numbers grow by one per packet, so
 * a ring indexed by {@code number - base} finds any packet in O(1); slots of acknowledged or lost
 * packets are null and the base moves past them.
 */
final class SentPacketLog {
  private static final int INITIAL_CAPACITY = 1024;

  private SentPacket[] ring = new SentPacket[INITIAL_CAPACITY];
  /** Packet number of slot {@code head}. */
  private long base;
  private int head;
  /** Slots from head holding packets (some may be null inside). */
  private int span;
  private int count;

  /** Logs {@code p}; numbers must increase, gaps (packets not logged) are allowed. */
  void add(SentPacket p) {
    if (span == 0) {
      base = p.packetNumber;
      head = 0;
    }
    long index = p.packetNumber - base;
    if (index < span) {
      throw new IllegalStateException("packets must be logged in number order: " + p.packetNumber);
    }
    while (index >= ring.length) {
      grow();
    }
    span = (int) index;
    ring[(head + span) & (ring.length - 1)] = p;
    span++;
    count++;
  }

  SentPacket get(long packetNumber) {
    long index = packetNumber - base;
    if (index < 0 || index >= span) {
      return null;
    }
    return ring[(int) ((head + index) & (ring.length - 1))];
  }

  SentPacket remove(long packetNumber) {
    long index = packetNumber - base;
    if (index < 0 || index >= span) {
      return null;
    }
    int slot = (int) ((head + index) & (ring.length - 1));
    SentPacket p = ring[slot];
    if (p != null) {
      ring[slot] = null;
      count--;
      trim();
    }
    return p;
  }

  /** Lowest packet number that may be outstanding. */
  long firstNumber() {
    return base;
  }

  /** One past the highest logged packet number. */
  long endNumber() {
    return base + span;
  }

  int count() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  private void trim() {
    while (span > 0 && ring[head] == null) {
      head = (head + 1) & (ring.length - 1);
      base++;
      span--;
    }
  }

  private void grow() {
    SentPacket[] bigger = new SentPacket[ring.length * 2];
    for (int i = 0; i < span; i++) {
      bigger[i] = ring[(head + i) & (ring.length - 1)];
    }
    Arrays.fill(ring, null);
    ring = bigger;
    head = 0;
  }
}
