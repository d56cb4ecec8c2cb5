package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * A run of zero bytes; decodes as one frame covering the whole run.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x00)  |  0x00 ...     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param length bytes of padding, at least 1
 */
public record PaddingFrame(int length) implements Frame {
  public PaddingFrame {
    if (length < 1) {
      throw new IllegalArgumentException("padding is at least one byte: " + length);
    }
  }

  @Override
  public FrameType type() {
    return FrameType.PADDING;
  }

  @Override
  public int encodedSize() {
    return length;
  }

  @Override
  public void encode(ByteBuffer out) {
    for (int i = 0; i < length; i++) {
      out.put((byte) 0);
    }
  }

  @Override
  public boolean ackEliciting() {
    return false;
  }

  /** The type byte has been consumed; consumes the rest of the zero run. */
  static PaddingFrame decode(ByteBuffer in) {
    int n = 1;
    while (in.hasRemaining() && in.get(in.position()) == 0) {
      in.get();
      n++;
    }
    return new PaddingFrame(n);
  }
}
