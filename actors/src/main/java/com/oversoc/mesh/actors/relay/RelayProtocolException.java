package com.oversoc.mesh.actors.relay;

/**
 * A well-formed relay frame arrived where the protocol does not allow it: the wrong direction
 * (a relay sending SEND_PACKET), the wrong state (a packet before the hello), or the wrong peer
 * (FORWARD_PACKET from a node). The connection that sent it is closed.
 */
public final class RelayProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RelayProtocolException(String message) {
    super(message);
  }
}
