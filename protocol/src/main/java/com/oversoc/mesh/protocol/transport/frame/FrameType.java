package com.oversoc.mesh.protocol.transport.frame;

/**
 * Frame types and their one-byte wire values. STREAM uses two values: bit 0 is the FIN flag.
 * Values are stable: a new frame gets a new value, an old value is never reassigned.
 */
public enum FrameType {
  PADDING(0x00),
  PING(0x01),
  ACK(0x02),
  RESET_STREAM(0x04),
  STOP_SENDING(0x05),
  STREAM(0x08),
  MAX_DATA(0x10),
  MAX_STREAM_DATA(0x11),
  MAX_STREAMS(0x12),
  CLOSE(0x1c),
  STREAM_OPEN(0x20),
  STREAM_OPEN_RESULT(0x21);

  /** STREAM type bit meaning "this frame carries the last byte of the stream". */
  public static final int STREAM_FIN_BIT = 0x01;

  private static final FrameType[] BY_WIRE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_WIRE[t.wire] = t;
    }
    BY_WIRE[STREAM.wire | STREAM_FIN_BIT] = STREAM;
  }

  private final int wire;

  FrameType(int wire) {
    this.wire = wire;
  }

  public int wire() {
    return wire;
  }

  /** The type for a wire byte, or null if unknown. */
  public static FrameType of(int wireByte) {
    return BY_WIRE[wireByte & 0xff];
  }
}
