package com.oversoc.mesh.protocol.wireguard;

/**
 * A datagram is not a well-formed WireGuard message. Thrown for bad input from the network, so it
 * carries no stack trace (forged and garbage packets are routine); the receiver drops the datagram,
 * counts the reason, and changes no state.
 */
public final class MessageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a datagram was refused before any cryptography. */
  public enum Reason {
    /** Shorter than the 4-byte type field. */
    TRUNCATED,
    /** The type field is not 1..4 with three zero bytes. */
    UNKNOWN_TYPE,
    /** Not the exact length of its handshake message type, or transport data shorter than 32 bytes. */
    WRONG_LENGTH
  }

  private final Reason reason;

  public MessageException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
