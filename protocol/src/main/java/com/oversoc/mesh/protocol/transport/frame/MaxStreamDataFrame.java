package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * Stream credit: the offset up to which the peer may send on one stream (RFC 9000 4.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x11)  |               Stream Id (32) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |           Maximum Stream Data (64) ...        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MaxStreamDataFrame(long streamId, long maximum) implements Frame {
  public static final int STREAM_ID_OFFSET = 1;
  public static final int STREAM_ID_SIZE = 4;
  public static final int MAXIMUM_OFFSET = STREAM_ID_OFFSET + STREAM_ID_SIZE;
  public static final int MAXIMUM_SIZE = 8;
  public static final int SIZE = MAXIMUM_OFFSET + MAXIMUM_SIZE;

  public MaxStreamDataFrame {
    StreamFrame.checkStreamId(streamId);
    if (maximum < 0) {
      throw new IllegalArgumentException("negative MAX_STREAM_DATA");
    }
  }

  @Override
  public FrameType type() {
    return FrameType.MAX_STREAM_DATA;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.MAX_STREAM_DATA.wire());
    out.putInt((int) streamId);
    out.putLong(maximum);
  }

  static MaxStreamDataFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, SIZE - 1, FrameType.MAX_STREAM_DATA);
    long streamId = in.getInt() & 0xFFFF_FFFFL;
    long maximum = in.getLong();
    if (maximum < 0) {
      throw new FrameException(FrameError.INVALID_FIELD, "MAX_STREAM_DATA is negative");
    }
    return new MaxStreamDataFrame(streamId, maximum);
  }
}
