package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;

/**
 * Asks for an acknowledgement and nothing else: keeps an idle connection alive and carries probes.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+
 * |  Type (0x01)  |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public record PingFrame() implements Frame {
  public static final int SIZE = 1;
  public static final PingFrame INSTANCE = new PingFrame();

  @Override
  public FrameType type() {
    return FrameType.PING;
  }

  @Override
  public int encodedSize() {
    return SIZE;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.PING.wire());
  }
}
