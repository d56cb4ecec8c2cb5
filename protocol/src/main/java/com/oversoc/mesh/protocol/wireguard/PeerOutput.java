package com.oversoc.mesh.protocol.wireguard;

/**
 * Where a peer's session puts what it produces. A device forwards transmitted datagrams to the
 * peer's current path; an actor sends them through its datagram port.
 */
public interface PeerOutput {
  /** A datagram for the peer: a handshake message or transport data. */
  void transmit(byte[] datagram);

  /** A packet the peer sent, authenticated and decrypted (with its sender's zero padding). Keepalives are not delivered. */
  void deliver(byte[] packet);

  /** A session event; ignored by default. */
  default void event(PeerEvent event) {}

  /** A packet or datagram was dropped; ignored by default (the peer counts drops itself). */
  default void dropped(DropReason reason) {}
}
