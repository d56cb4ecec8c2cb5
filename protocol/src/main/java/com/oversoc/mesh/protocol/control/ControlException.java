package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.ControlError;
import java.time.Instant;

/**
 * A control-protocol failure with the code that goes on the wire. Thrown by validation and the
 * reducer; the coordinator turns it into a {@link ControlError}, a client reads one back with
 * {@link #fromWire}. Messages never contain secrets (auth keys, private keys).
 */
public final class ControlException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ControlError.Code code;

  public ControlException(ControlError.Code code, String message) {
    super(message);
    this.code = code;
  }

  public ControlError.Code code() {
    return code;
  }

  /** The wire form; {@code fatal} says the sender closes the connection after it. */
  public ControlError toWire(boolean fatal, Instant serverTime) {
    return ControlError.newBuilder()
        .setCode(code)
        .setMessage(getMessage())
        .setFatal(fatal)
        .setServerTimeUnixMs(serverTime.toEpochMilli())
        .build();
  }

  public static ControlException fromWire(ControlError error) {
    return new ControlException(error.getCode(), error.getMessage());
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
