package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * Connection credit: the sum of stream bytes the peer may send, over all streams (RFC 9000 4.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x10)  |              Maximum Data (64) ...            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MaxDataFrame(long maximum) implements Frame {
  public static final int MAXIMUM_OFFSET = 1;
  public static final int MAXIMUM_SIZE = 8;
  public static final int SIZE = MAXIMUM_OFFSET + MAXIMUM_SIZE;

  public MaxDataFrame {
    if (maximum < 0) {
      throw new IllegalArgumentException("negative MAX_DATA");
    }
  }

  @Override
  public FrameType type() {
    return FrameType.MAX_DATA;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.MAX_DATA.wire());
    out.putLong(maximum);
  }

  static MaxDataFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, SIZE - 1, FrameType.MAX_DATA);
    long maximum = in.getLong();
    if (maximum < 0) {
      throw new FrameException(FrameError.INVALID_FIELD, "MAX_DATA is negative");
    }
    return new MaxDataFrame(maximum);
  }
}
