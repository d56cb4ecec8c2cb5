package com.oversoc.mesh.protocol.noise;

/**
 * A handshake or transport message was refused. Thrown for bad input from the network (so it
 * carries no stack trace: forged packets are routine, not bugs) and for a cipher that has used
 * up its nonces. Misuse of the API (calling out of turn) throws {@link IllegalStateException}.
 */
public final class NoiseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a message was refused; callers count drops by reason. */
  public enum Reason {
    /** The message is shorter or longer than its pattern allows. */
    MALFORMED,
    /** An AEAD tag did not verify: forged, corrupted, replayed into the wrong state, or wrong keys. */
    DECRYPT_FAILED,
    /** A Diffie-Hellman result was all zeros: the peer sent a low-order point. */
    INVALID_PUBLIC_KEY,
    /** The responder's {@link RemoteStaticCheck} refused the initiator's static key. */
    REMOTE_STATIC_REJECTED,
    /** The cipher reached its message limit; rekey or run a new handshake. */
    NONCE_EXHAUSTED
  }

  private final Reason reason;

  public NoiseException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    return reason + ": " + super.getMessage();
  }
}
