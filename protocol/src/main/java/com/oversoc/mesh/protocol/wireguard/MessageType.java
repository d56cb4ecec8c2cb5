package com.oversoc.mesh.protocol.wireguard;

/**
 * The four WireGuard messages. Every message starts with its type as a little-endian 32-bit
 * integer: one type byte and three zero bytes. Handshake messages have one exact length;
 * transport data has a minimum (its 16-byte header and a tag, which is a keepalive).
 *
 * <pre>
 *  type  message              length   layout (offsets in bytes)
 *  1     handshake initiation 148      type 0..4, sender 4..8, ephemeral 8..40,
 *                                      static 40..88 (sealed), timestamp 88..116 (sealed),
 *                                      mac1 116..132, mac2 132..148
 *  2     handshake response   92       type 0..4, sender 4..8, receiver 8..12,
 *                                      ephemeral 12..44, empty 44..60 (sealed), mac1 60..76,
 *                                      mac2 76..92
 *  3     cookie reply         64       type 0..4, receiver 4..8, nonce 8..32, cookie 32..64 (sealed)
 *  4     transport data       32..     type 0..4, receiver 4..8, counter 8..16 (little-endian),
 *                                      packet 16.. (sealed, padded to 16 bytes)
 * </pre>
 *
 * Indices are little-endian 32-bit values on the wire; this code keeps them as the Java
 * {@code int} with the same bits.
 */
public enum MessageType {
  HANDSHAKE_INITIATION(1, 148),
  HANDSHAKE_RESPONSE(2, 92),
  COOKIE_REPLY(3, 64),
  TRANSPORT_DATA(4, 32);

  /** Length of the type field. */
  public static final int TYPE_LENGTH = 4;

  private final int wire;
  private final int length;

  MessageType(int wire, int length) {
    this.wire = wire;
    this.length = length;
  }

  /** The type field's value. */
  public int wire() {
    return wire;
  }

  /** The exact length of a handshake message or cookie reply; the minimum of transport data (a keepalive). */
  public int length() {
    return length;
  }

  /**
   * The type of a datagram, read from its first four bytes.
   *
   * @throws MessageException UNKNOWN_TYPE for any other value (including nonzero reserved bytes),
   *     TRUNCATED if the datagram has fewer than four bytes
   */
  public static MessageType of(byte[] datagram, int length) throws MessageException {
    if (length < TYPE_LENGTH) {
      throw new MessageException(MessageException.Reason.TRUNCATED,
          "a WireGuard message is at least 4 bytes, got " + length);
    }
    int type = Bytes.getIntLe(datagram, 0);
    return switch (type) {
      case 1 -> HANDSHAKE_INITIATION;
      case 2 -> HANDSHAKE_RESPONSE;
      case 3 -> COOKIE_REPLY;
      case 4 -> TRANSPORT_DATA;
      default -> throw new MessageException(MessageException.Reason.UNKNOWN_TYPE,
          "message type 0x" + Integer.toHexString(type) + " is not a WireGuard message (1..4)");
    };
  }

  /**
   * Checks that a message of this type may be {@code length} bytes long.
   *
   * @throws MessageException WRONG_LENGTH
   */
  void checkLength(int actual) throws MessageException {
    // Senders pad transport data to 16 bytes but never beyond their MTU, so any length from
    // the minimum up is valid.
    boolean ok = this == TRANSPORT_DATA ? actual >= length : actual == length;
    if (!ok) {
      throw new MessageException(MessageException.Reason.WRONG_LENGTH, this == TRANSPORT_DATA
          ? "transport data is at least 32 bytes, got " + actual
          : name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " is exactly " + length + " bytes, got " + actual);
    }
  }
}
