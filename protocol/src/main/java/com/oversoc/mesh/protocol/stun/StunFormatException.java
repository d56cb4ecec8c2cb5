package com.oversoc.mesh.protocol.stun;

/** A datagram is not a well-formed STUN message; the message says what is wrong. */
public final class StunFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public StunFormatException(String message) {
    super(message);
  }
}
