package com.oversoc.mesh.actors.relay;

import java.time.Duration;

/** The peer did not take a write within the write timeout; its connection is closed. */
public final class WriteTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WriteTimeoutException(Duration timeout) {
    super("peer accepted no data for " + timeout.toMillis() + " ms");
  }
}
