package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.transport.ConnectionError;

/** The connection under a stream closed; every stream fails with this. */
public final class ConnectionClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ConnectionError error;

  public ConnectionClosedException(ConnectionError error, String reason) {
    super("transport connection closed: " + error + (reason.isEmpty() ? "" : " (" + reason + ")"));
    this.error = error;
  }

  public ConnectionError error() {
    return error;
  }
}
