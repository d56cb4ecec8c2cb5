package com.oversoc.mesh.protocol.transport;

import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;

/** A stream could not be opened locally; {@link #result()} is the same code the gateway would send. */
public final class StreamOpenException extends Exception {
  private static final long serialVersionUID = 1L;

  private final StreamOpenResult result;

  public StreamOpenException(StreamOpenResult result, String detail) {
    super(result + ": " + detail);
    this.result = result;
  }

  public StreamOpenResult result() {
    return result;
  }
}
