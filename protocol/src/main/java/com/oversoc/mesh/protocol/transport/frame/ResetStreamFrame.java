package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * The sender abandons its direction of a stream; the final size settles flow-control credit.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x04)  |               Stream Id (32) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |       Error Code (16)         | Final Size... |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    ... Final Size (64) ...                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     ...                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param errorCode a {@link com.oversoc.mesh.protocol.transport.stream.StreamErrorCode} wire value
 */
public record ResetStreamFrame(long streamId, int errorCode, long finalSize) implements Frame {
  public static final int STREAM_ID_OFFSET = 1;
  public static final int STREAM_ID_SIZE = 4;
  public static final int ERROR_CODE_OFFSET = STREAM_ID_OFFSET + STREAM_ID_SIZE;
  public static final int ERROR_CODE_SIZE = 2;
  public static final int FINAL_SIZE_OFFSET = ERROR_CODE_OFFSET + ERROR_CODE_SIZE;
  public static final int FINAL_SIZE_SIZE = 8;
  public static final int SIZE = FINAL_SIZE_OFFSET + FINAL_SIZE_SIZE;

  public ResetStreamFrame {
    StreamFrame.checkStreamId(streamId);
    if (finalSize < 0 || finalSize > StreamFrame.MAX_STREAM_OFFSET || (errorCode & ~0xffff) != 0) {
      throw new IllegalArgumentException("bad RESET_STREAM field");
    }
  }

  @Override
  public FrameType type() {
    return FrameType.RESET_STREAM;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.RESET_STREAM.wire());
    out.putInt((int) streamId);
    out.putShort((short) errorCode);
    out.putLong(finalSize);
  }

  static ResetStreamFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, SIZE - 1, FrameType.RESET_STREAM);
    long streamId = in.getInt() & 0xFFFF_FFFFL;
    int code = in.getShort() & 0xffff;
    long finalSize = in.getLong();
    if (finalSize < 0 || finalSize > StreamFrame.MAX_STREAM_OFFSET) {
      throw new FrameException(FrameError.INVALID_FIELD, "RESET_STREAM final size " + finalSize);
    }
    return new ResetStreamFrame(streamId, code, finalSize);
  }
}
