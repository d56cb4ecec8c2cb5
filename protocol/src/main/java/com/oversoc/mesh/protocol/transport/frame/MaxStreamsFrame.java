package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * Stream-count credit: the gateway lets the platform open streams with ids below this
 * (RFC 9000 4.6), which bounds how many streams the gateway must hold at once.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x12)  |            Maximum Streams (64) ...           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MaxStreamsFrame(long maximum) implements Frame {
  public static final int MAXIMUM_OFFSET = 1;
  public static final int MAXIMUM_SIZE = 8;
  public static final int SIZE = MAXIMUM_OFFSET + MAXIMUM_SIZE;

  public MaxStreamsFrame {
    if (maximum < 0) {
      throw new IllegalArgumentException("negative MAX_STREAMS");
    }
  }

  @Override
  public FrameType type() {
    return FrameType.MAX_STREAMS;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.MAX_STREAMS.wire());
    out.putLong(maximum);
  }

  static MaxStreamsFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, SIZE - 1, FrameType.MAX_STREAMS);
    long maximum = in.getLong();
    if (maximum < 0) {
      throw new FrameException(FrameError.INVALID_FIELD, "MAX_STREAMS is negative");
    }
    return new MaxStreamsFrame(maximum);
  }
}
