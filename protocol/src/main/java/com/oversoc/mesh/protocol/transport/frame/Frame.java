package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/** One decoded frame. Each implementation documents its layout and encodes itself. */
public sealed interface Frame
    permits PaddingFrame, PingFrame, AckFrame, StreamFrame, ResetStreamFrame, StopSendingFrame,
        MaxDataFrame, MaxStreamDataFrame, MaxStreamsFrame, CloseFrame, StreamOpenFrame,
        StreamOpenResultFrame {

  FrameType type();

  /** Bytes {@link #encode} writes. */
  int encodedSize();

  /** Writes the frame at {@code out}'s position; the caller checked {@link #encodedSize()} fits. */
  void encode(ByteBuffer out);

  /** True if receiving this frame obliges the receiver to acknowledge (RFC 9002 ack-eliciting). */
  default boolean ackEliciting() {
    return true;
  }
}
