package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;

/** A stream could not be opened: refused locally or by the gateway; {@link #result()} says why. */
public final class StreamOpenFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient StreamOpenResult result;

  public StreamOpenFailedException(StreamOpenResult result, String detail) {
    super(result + (detail.isEmpty() ? "" : ": " + detail));
    this.result = result;
  }

  public StreamOpenResult result() {
    return result;
  }
}
