package com.oversoc.mesh.protocol.path;

/**
 * An inner packet is not a well-formed path probe. Thrown for input from the peer, so it carries
 * no stack trace; the receiver drops the packet, counts the reason, and changes no state.
 */
public final class PathProbeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a packet was refused as a probe. */
  public enum Reason {
    /** Shorter than its kind's fields (a ping's 10 bytes, a pong's 17 or 29). */
    TRUNCATED,
    /** The first byte is not {@link PathProbe#TYPE}: not a probe at all (e.g. a mesh-transport packet). */
    NOT_A_PROBE,
    /** The kind byte is neither PING (1) nor PONG (2). */
    UNKNOWN_KIND,
    /** A pong's address family is neither 4 nor 6. */
    BAD_FAMILY,
    /** A non-zero byte after the message (only WireGuard's zero padding may follow it). */
    TRAILING_GARBAGE
  }

  private final Reason reason;

  public PathProbeException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
