package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;

/** The peer abandoned a stream (RESET_STREAM) or the stream timed out; {@link #code()} says why. */
public final class StreamResetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient StreamErrorCode code;

  public StreamResetException(long streamId, StreamErrorCode code) {
    super("stream " + streamId + " reset by the peer: " + code);
    this.code = code;
  }

  public StreamErrorCode code() {
    return code;
  }
}
