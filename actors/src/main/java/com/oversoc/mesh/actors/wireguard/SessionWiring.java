package com.oversoc.mesh.actors.wireguard;

import com.oversoc.mesh.protocol.wireguard.DropReason;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerEvent;

/**
 * What a {@link PeerSession} is connected to: the path its datagrams leave by, the layer above
 * that takes the peer's packets, and whoever follows the session (a path manager moves the
 * peer's path to where its authenticated packets come from). Called from the session actor;
 * implementations must not block.
 */
public interface SessionWiring {
  /**
   * A datagram for the peer.
   *
   * @param via the path it must take (the one the message it answers came from, or the one a
   *     {@link PeerSession.SendVia} named), or null for the session's own choice
   */
  void transmit(byte[] datagram, Object via);

  /**
   * A packet from the peer, authenticated and decrypted (keepalives are not delivered).
   *
   * @param source the path it arrived on
   */
  void deliver(byte[] packet, Object source);

  /** An authenticated message from the peer arrived from {@code source} (for roaming). */
  default void authenticated(Object source) {}

  /** A session event. */
  default void event(PeerEvent event) {}

  /** The session's state changed. */
  default void stateChanged(Peer.State from, Peer.State to) {}

  /** A datagram or packet was dropped. */
  default void dropped(DropReason reason) {}
}
