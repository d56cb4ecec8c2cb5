package com.oversoc.mesh.protocol.net;

/** Text that should be an IP literal or an endpoint is not one; the message says what is accepted. */
public final class AddressFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public AddressFormatException(String message) {
    super(message);
  }
}
