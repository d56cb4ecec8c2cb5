package com.oversoc.mesh.protocol.transport.frame;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import java.nio.ByteBuffer;

/**
 * Stream bytes at an offset; bit 0 of the type is FIN, set when the data ends the stream.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Type(0x08|FIN) |               Stream Id (32) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |                Offset (64) ...                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |          Length (16)          |  Data ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Decoding does not copy: {@link #data()} is a read-only view into the packet, valid until the
 * packet's buffer is reused.
 *
 * @param data the stream bytes (position..limit)
 */
public record StreamFrame(long streamId, long offset, boolean fin, ByteBuffer data) implements Frame {
  public static final int TYPE_OFFSET = 0;
  public static final int STREAM_ID_OFFSET = 1;
  public static final int STREAM_ID_SIZE = 4;
  public static final int OFFSET_OFFSET = STREAM_ID_OFFSET + STREAM_ID_SIZE;
  public static final int OFFSET_SIZE = 8;
  public static final int LENGTH_OFFSET = OFFSET_OFFSET + OFFSET_SIZE;
  public static final int LENGTH_SIZE = 2;
  public static final int HEADER_SIZE = LENGTH_OFFSET + LENGTH_SIZE;
  /** RFC 9000 4.5: no stream grows beyond 2^62 - 1 bytes. */
  public static final long MAX_STREAM_OFFSET = (1L << 62) - 1;

  public StreamFrame {
    checkStreamId(streamId);
    if (offset < 0 || offset + data.remaining() > MAX_STREAM_OFFSET) {
      throw new IllegalArgumentException("stream offset out of range: " + offset);
    }
  }

  @Override
  public FrameType type() {
    return FrameType.STREAM;
  }

  @Override
  public int encodedSize() {
    return HEADER_SIZE + data.remaining();
  }

  @Override
  public void encode(ByteBuffer out) {
    writeHeader(out, streamId, offset, data.remaining(), fin);
    out.put(data.duplicate());
  }

  /** Writes the header of a STREAM frame whose {@code length} data bytes the caller puts next. */
  public static void writeHeader(ByteBuffer out, long streamId, long offset, int length, boolean fin) {
    out.put((byte) (FrameType.STREAM.wire() | (fin ? FrameType.STREAM_FIN_BIT : 0)));
    out.putInt((int) streamId);
    out.putLong(offset);
    out.putShort((short) length);
  }

  /** Writes the header at absolute {@code position} (data already placed after it). */
  public static void writeHeaderAt(ByteBuffer out, int position, long streamId, long offset, int length, boolean fin) {
    out.put(position, (byte) (FrameType.STREAM.wire() | (fin ? FrameType.STREAM_FIN_BIT : 0)));
    out.putInt(position + STREAM_ID_OFFSET, (int) streamId);
    out.putLong(position + OFFSET_OFFSET, offset);
    out.putShort(position + LENGTH_OFFSET, (short) length);
  }

  static StreamFrame decode(int typeByte, ByteBuffer in) throws FrameException {
    FrameException.need(in, HEADER_SIZE - 1, FrameType.STREAM);
    long streamId = in.getInt() & 0xFFFF_FFFFL;
    long offset = in.getLong();
    int length = in.getShort() & 0xffff;
    FrameException.need(in, length, FrameType.STREAM);
    if (offset < 0 || offset > MAX_STREAM_OFFSET - length) {
      throw new FrameException(FrameError.INVALID_FIELD,
          "STREAM offset " + offset + " + length " + length + " exceeds 2^62 - 1");
    }
    ByteBuffer data = in.slice(in.position(), length).asReadOnlyBuffer();
    in.position(in.position() + length);
    return new StreamFrame(streamId, offset, (typeByte & FrameType.STREAM_FIN_BIT) != 0, data);
  }

  static void checkStreamId(long streamId) {
    if (streamId < 0 || streamId > TransportSpec.MAX_STREAM_ID) {
      throw new IllegalArgumentException("stream id out of range: " + streamId);
    }
  }
}
