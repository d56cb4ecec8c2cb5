package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * The gateway's answer to STREAM_OPEN: OK, or why the stream could not be opened.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x21)  |               Stream Id (32) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |       Result Code (16)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param resultCode a {@link com.oversoc.mesh.protocol.transport.stream.StreamOpenResult} wire value
 */
public record StreamOpenResultFrame(long streamId, int resultCode) implements Frame {
  public static final int STREAM_ID_OFFSET = 1;
  public static final int STREAM_ID_SIZE = 4;
  public static final int RESULT_OFFSET = STREAM_ID_OFFSET + STREAM_ID_SIZE;
  public static final int RESULT_SIZE = 2;
  public static final int SIZE = RESULT_OFFSET + RESULT_SIZE;

  public StreamOpenResultFrame {
    StreamFrame.checkStreamId(streamId);
    if ((resultCode & ~0xffff) != 0) {
      throw new IllegalArgumentException("result code is 16 bits: " + resultCode);
    }
  }

  @Override
  public FrameType type() {
    return FrameType.STREAM_OPEN_RESULT;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.STREAM_OPEN_RESULT.wire());
    out.putInt((int) streamId);
    out.putShort((short) resultCode);
  }

  static StreamOpenResultFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, SIZE - 1, FrameType.STREAM_OPEN_RESULT);
    return new StreamOpenResultFrame(in.getInt() & 0xFFFF_FFFFL, in.getShort() & 0xffff);
  }
}
