package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a whole packet or nothing: either every frame decodes, or one {@link FrameException}
 * names the first rule broken and the caller acts on none of the packet.
 */
public final class FrameDecoder {
  private FrameDecoder() {}

  /**
   * Decodes the frames of {@code packet} (position..limit, header included); does not move
   * {@code packet}'s position. Stream data in the result are views into {@code packet}.
   */
  public static List<Frame> decodePacket(ByteBuffer packet) throws FrameException {
    PacketHeader.validate(packet);
    ByteBuffer in = packet.slice(packet.position() + PacketHeader.SIZE, packet.remaining() - PacketHeader.SIZE);
    if (!in.hasRemaining()) {
      throw new FrameException(FrameError.NO_FRAMES, "packet has a header and no frame");
    }
    List<Frame> frames = new ArrayList<>(4);
    while (in.hasRemaining()) {
      frames.add(decodeFrame(in));
    }
    return frames;
  }

  /** Decodes one frame at {@code in}'s position and advances past it. */
  public static Frame decodeFrame(ByteBuffer in) throws FrameException {
    int typeByte = in.get() & 0xff;
    FrameType type = FrameType.of(typeByte);
    if (type == null) {
      throw new FrameException(FrameError.UNKNOWN_FRAME_TYPE, String.format("frame type 0x%02x", typeByte));
    }
    return switch (type) {
      case PADDING -> PaddingFrame.decode(in);
      case PING -> PingFrame.INSTANCE;
      case ACK -> AckFrame.decode(in);
      case STREAM -> StreamFrame.decode(typeByte, in);
      case RESET_STREAM -> ResetStreamFrame.decode(in);
      case STOP_SENDING -> StopSendingFrame.decode(in);
      case MAX_DATA -> MaxDataFrame.decode(in);
      case MAX_STREAM_DATA -> MaxStreamDataFrame.decode(in);
      case MAX_STREAMS -> MaxStreamsFrame.decode(in);
      case CLOSE -> CloseFrame.decode(in);
      case STREAM_OPEN -> StreamOpenFrame.decode(in);
      case STREAM_OPEN_RESULT -> StreamOpenResultFrame.decode(in);
    };
  }
}
