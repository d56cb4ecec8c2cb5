package com.oversoc.mesh.protocol.transport.frame;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import java.nio.ByteBuffer;

/**
 * The 13-byte header in front of every transport packet's frames.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Version    |              Connection Id (32)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      (Id)     |                                               |
 * +-+-+-+-+-+-+-+-+         Packet Number (64)                    +
 * |                                                               |
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |  Frames ...
 * +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The connection id is chosen at random by the platform side and tells a connection apart from
 * the one before it between the same two peers (a restarted platform starts a new one). The packet
 * number is sent in full: the 8 bytes cost 0.7% of a packet and spare the receiver QUIC's packet
 * number reconstruction; it increases by one per packet and is never reused.
 */
public final class PacketHeader {
  public static final int VERSION_OFFSET = 0;
  public static final int VERSION_SIZE = 1;
  public static final int CONNECTION_ID_OFFSET = VERSION_OFFSET + VERSION_SIZE;
  public static final int CONNECTION_ID_SIZE = 4;
  public static final int PACKET_NUMBER_OFFSET = CONNECTION_ID_OFFSET + CONNECTION_ID_SIZE;
  public static final int PACKET_NUMBER_SIZE = 8;
  public static final int SIZE = PACKET_NUMBER_OFFSET + PACKET_NUMBER_SIZE;

  private PacketHeader() {}

  /** Writes the header at {@code out}'s position and advances it by {@link #SIZE}. */
  public static void write(ByteBuffer out, int connectionId, long packetNumber) {
    out.put((byte) TransportSpec.VERSION);
    out.putInt(connectionId);
    out.putLong(packetNumber);
  }

  /**
   * Checks size and version of the packet at {@code packet}'s position..limit; on success the
   * fields can be read with {@link #connectionId} and {@link #packetNumber}.
   */
  public static void validate(ByteBuffer packet) throws FrameException {
    int length = packet.remaining();
    if (length < SIZE) {
      throw new FrameException(FrameError.PACKET_TOO_SHORT,
          "a packet has at least " + SIZE + " header bytes, got " + length);
    }
    if (length > TransportSpec.MAX_PACKET_SIZE) {
      throw new FrameException(FrameError.PACKET_TOO_LONG,
          "a packet has at most " + TransportSpec.MAX_PACKET_SIZE + " bytes, got " + length);
    }
    int version = packet.get(packet.position() + VERSION_OFFSET) & 0xff;
    if (version != TransportSpec.VERSION) {
      throw new FrameException(FrameError.UNSUPPORTED_VERSION,
          "version " + version + ", this build speaks " + TransportSpec.VERSION);
    }
  }

  public static int connectionId(ByteBuffer packet) {
    return packet.getInt(packet.position() + CONNECTION_ID_OFFSET);
  }

  public static long packetNumber(ByteBuffer packet) {
    return packet.getLong(packet.position() + PACKET_NUMBER_OFFSET);
  }
}
