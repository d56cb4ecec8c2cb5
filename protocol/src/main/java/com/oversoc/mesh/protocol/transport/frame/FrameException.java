package com.oversoc.mesh.protocol.transport.frame;

/** A packet or frame that cannot be decoded; {@link #error()} says which rule it broke. */
public final class FrameException extends Exception {
  private static final long serialVersionUID = 1L;

  private final FrameError error;

  public FrameException(FrameError error, String detail) {
    super(error + ": " + detail, null, false, false);
    this.error = error;
  }

  public FrameError error() {
    return error;
  }

  /** Fails with {@link FrameError#TRUNCATED} unless {@code in} holds {@code size} more bytes. */
  static void need(java.nio.ByteBuffer in, int size, FrameType type) throws FrameException {
    if (in.remaining() < size) {
      throw new FrameException(FrameError.TRUNCATED,
          type + " needs " + size + " more bytes, packet has " + in.remaining());
    }
  }
}
