package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * The receiver no longer wants a stream's bytes; the sender answers with RESET_STREAM.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x05)  |               Stream Id (32) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |       Error Code (16)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record StopSendingFrame(long streamId, int errorCode) implements Frame {
  public static final int STREAM_ID_OFFSET = 1;
  public static final int STREAM_ID_SIZE = 4;
  public static final int ERROR_CODE_OFFSET = STREAM_ID_OFFSET + STREAM_ID_SIZE;
  public static final int ERROR_CODE_SIZE = 2;
  public static final int SIZE = ERROR_CODE_OFFSET + ERROR_CODE_SIZE;

  public StopSendingFrame {
    StreamFrame.checkStreamId(streamId);
    if ((errorCode & ~0xffff) != 0) {
      throw new IllegalArgumentException("error code is 16 bits: " + errorCode);
    }
  }

  @Override
  public FrameType type() {
    return FrameType.STOP_SENDING;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.STOP_SENDING.wire());
    out.putInt((int) streamId);
    out.putShort((short) errorCode);
  }

  static StopSendingFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, SIZE - 1, FrameType.STOP_SENDING);
    return new StopSendingFrame(in.getInt() & 0xFFFF_FFFFL, in.getShort() & 0xffff);
  }
}
