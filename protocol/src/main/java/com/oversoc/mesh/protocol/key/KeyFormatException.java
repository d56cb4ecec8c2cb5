package com.oversoc.mesh.protocol.key;

/** A key's text or byte form is not a well-formed 32-byte key. The message never contains key material. */
public final class KeyFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public KeyFormatException(String message) {
    super(message);
  }
}
