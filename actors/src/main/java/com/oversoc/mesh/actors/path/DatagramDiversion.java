package com.oversoc.mesh.actors.path;

/**
 * Takes the datagrams of another protocol that shares a socket (STUN on the node's UDP socket)
 * out of the stream before the port's receiver (WireGuard) sees them. Protocols are told apart
 * by their first bytes, which the diversion checks; the port knows none of them.
 */
@FunctionalInterface
public interface DatagramDiversion {
  /**
   * Offered every datagram, on the port's reader thread, before the receiver: must be quick and
   * never block (hand the datagram to an actor).
   *
   * @param datagram belongs to the diversion if it takes it
   * @return true if taken: the receiver never sees it
   */
  boolean take(PathAddress from, byte[] datagram);
}
