package com.oversoc.mesh.coordinator.server;

import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.pb.ControlError;

/**
 * Turns what ended a connection's inbound side into the typed error the client is sent: a
 * decoding error (oversized or undecodable frame) as it is, anything else (the channel or the
 * socket failed under it) as INTERNAL.
 */
final class FrameErrors {
  private FrameErrors() {}

  static ControlException toControlException(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      if (cause instanceof ControlException ce) {
        return ce;
      }
    }
    return new ControlException(ControlError.Code.INTERNAL, "connection failed: " + t);
  }
}
