package com.oversoc.mesh.protocol.wireguard;

/**
 * Transport data (type 4): an encrypted packet under a session's key pair. The hot path reads and
 * writes it in place, so this is a set of field accessors over the datagram, not an object per
 * packet.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   type (4)    |              reserved (0, 0, 0)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     receiver index (the recipient's key pair, little-endian)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +              counter, the nonce (64 bits, little-endian)      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   encrypted packet, zero-padded to 16 bytes (empty: keepalive) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Poly1305 tag (16 bytes)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TransportData {
  public static final int RECEIVER_OFFSET = 4;
  public static final int COUNTER_OFFSET = 8;
  /** Where the sealed packet starts; also the header's length. */
  public static final int HEADER_LENGTH = 16;
  /** Header and tag: the length of a keepalive, and what every packet adds. */
  public static final int OVERHEAD = HEADER_LENGTH + WireGuardSpec.TAG_LENGTH;

  private TransportData() {}

  /** The receiver index of a datagram already known to be transport data. */
  public static int receiver(byte[] datagram) {
    return Bytes.getIntLe(datagram, RECEIVER_OFFSET);
  }

  /** The counter (unsigned) of a datagram already known to be transport data. */
  public static long counter(byte[] datagram) {
    return Bytes.getLongLe(datagram, COUNTER_OFFSET);
  }

  /** Zeros needed after a packet of {@code length} bytes: up to the next multiple of 16. */
  public static int paddingFor(int length) {
    return -length & (WireGuardSpec.PADDING_MULTIPLE - 1);
  }

  /** Length of the transport message that carries a packet of {@code packetLength} bytes. */
  public static int messageLength(int packetLength) {
    return OVERHEAD + packetLength + paddingFor(packetLength);
  }

  static void writeHeader(byte[] datagram, int receiver, long counter) {
    Bytes.putIntLe(datagram, 0, MessageType.TRANSPORT_DATA.wire());
    Bytes.putIntLe(datagram, RECEIVER_OFFSET, receiver);
    Bytes.putLongLe(datagram, COUNTER_OFFSET, counter);
  }
}
