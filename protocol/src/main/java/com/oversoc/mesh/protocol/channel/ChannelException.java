package com.oversoc.mesh.protocol.channel;

/**
 * The secure channel cannot continue. The {@link Reason} says why in a form code can act on;
 * the message says it for a person. Never contains key material.
 */
public final class ChannelException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a channel failed. */
  public enum Reason {
    /** The first bytes are not the preamble of the expected protocol. */
    BAD_PREAMBLE,
    /** The peer speaks a version of the channel this build does not. */
    UNSUPPORTED_VERSION,
    /** A record header announces more than {@link ChannelProtocol#MAX_RECORD_LENGTH}. */
    RECORD_TOO_LARGE,
    /** A handshake message is malformed or fails authentication (wrong key, tampering). */
    HANDSHAKE_FAILED,
    /** A record fails authentication: tampered, replayed, reordered or from someone else. */
    DECRYPT_FAILED,
    /** The server authenticated the client and refused it; the detail says why. */
    REFUSED,
    /** The handshake did not complete within its time limit. */
    HANDSHAKE_TIMEOUT,
    /** The peer closed the connection before the handshake completed. */
    CLOSED_DURING_HANDSHAKE,
    /** The record counter reached its limit; the connection must be re-established. */
    REKEY_REQUIRED
  }

  private final Reason reason;

  public ChannelException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public ChannelException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
