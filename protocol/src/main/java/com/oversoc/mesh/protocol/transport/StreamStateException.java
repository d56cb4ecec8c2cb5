package com.oversoc.mesh.protocol.transport;

/** The application used a stream in a way its state does not allow (unknown id, write after finish...). */
public final class StreamStateException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public StreamStateException(String message) {
    super(message);
  }
}
