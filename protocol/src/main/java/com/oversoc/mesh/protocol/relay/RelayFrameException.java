package com.oversoc.mesh.protocol.relay;

/**
 * A relay frame is malformed. The connection that sent it is closed; nothing else is affected.
 * The message names the frame type and what was wrong, never payload bytes.
 */
public final class RelayFrameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What is wrong, for metrics and for the CLOSING reason. */
  public enum Problem {
    /** The header announces more than {@link RelayProtocol#MAX_FRAME_PAYLOAD} bytes. */
    TOO_LARGE,
    /** The type byte is not a {@link FrameType}. */
    UNKNOWN_TYPE,
    /** The payload length is wrong for the type (exact-length decode). */
    BAD_LENGTH,
    /** A field holds a value the protocol does not allow (reason code, UTF-8, version). */
    BAD_VALUE
  }

  private final Problem problem;

  public RelayFrameException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
