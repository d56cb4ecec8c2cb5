package com.oversoc.mesh.coordinator.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import org.apache.pekko.stream.scaladsl.Framing;

/** Turns a failure of the inbound frame pipeline into the typed error the client is sent. */
final class FrameErrors {
  private FrameErrors() {}

  static ControlException toControlException(Throwable t) {
    Throwable cause = t;
    while (cause != null) {
      if (cause instanceof ControlException ce) {
        return ce;
      }
      if (cause instanceof Framing.FramingException fe) {
        return new ControlException(ControlError.Code.FRAME_TOO_LARGE, "bad frame: " + fe.getMessage()
            + " (a client frame is at most " + com.oversoc.mesh.protocol.control.ControlProtocol.MAX_CLIENT_FRAME_BYTES
            + " bytes)");
      }
      if (cause instanceof InvalidProtocolBufferException pe) {
        return new ControlException(ControlError.Code.MALFORMED_MESSAGE, "frame is not a ClientMessage: "
            + pe.getMessage());
      }
      cause = cause.getCause();
    }
    return new ControlException(ControlError.Code.INTERNAL, "connection failed: " + t);
  }
}
