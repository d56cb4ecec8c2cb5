package com.oversoc.mesh.protocol.transport.frame;

/** An inclusive range of packet numbers, {@code first <= last}. */
public record PacketRange(long first, long last) {
  public PacketRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("bad packet range " + first + ".." + last);
    }
  }

  public boolean contains(long packetNumber) {
    return packetNumber >= first && packetNumber <= last;
  }
}
