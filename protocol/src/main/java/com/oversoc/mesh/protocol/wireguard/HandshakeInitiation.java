package com.oversoc.mesh.protocol.wireguard;

/**
 * Handshake initiation (type 1, 148 bytes): the first Noise_IKpsk2 message, from initiator to
 * responder.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   type (1)    |              reserved (0, 0, 0)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  sender index (little-endian)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          unencrypted ephemeral public key (32 bytes)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   encrypted static public key (32 bytes) + Poly1305 tag (16)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      encrypted TAI64N timestamp (12 bytes) + Poly1305 tag (16)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         mac1 (16 bytes)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         mac2 (16 bytes)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Bytes 8..116 are the Noise message {@code e, es, s, ss} with the timestamp as payload.
 */
public final class HandshakeInitiation extends HandshakeMessage {
  public static final int LENGTH = 148;
  static final int NOISE_OFFSET = 8;
  /** 32 (ephemeral) + 48 (sealed static) + 28 (sealed timestamp). */
  static final int NOISE_LENGTH = 108;

  private HandshakeInitiation(byte[] bytes) {
    super(bytes);
  }

  /**
   * Reads exactly 148 bytes of type 1 from {@code datagram[0..length)} (copied).
   *
   * @throws MessageException for another type or length
   */
  public static HandshakeInitiation decode(byte[] datagram, int length) throws MessageException {
    return new HandshakeInitiation(copyExact(MessageType.HANDSHAKE_INITIATION, datagram, length));
  }

  /** A new initiation with the macs still zero (the {@link CookieGenerator} fills them). */
  static HandshakeInitiation create(int sender, byte[] noiseMessage) {
    if (noiseMessage.length != NOISE_LENGTH) {
      throw new IllegalArgumentException("the Noise part of an initiation is 108 bytes, got " + noiseMessage.length);
    }
    byte[] b = blank(MessageType.HANDSHAKE_INITIATION);
    Bytes.putIntLe(b, SENDER_OFFSET, sender);
    System.arraycopy(noiseMessage, 0, b, NOISE_OFFSET, NOISE_LENGTH);
    return new HandshakeInitiation(b);
  }

  @Override
  public MessageType type() {
    return MessageType.HANDSHAKE_INITIATION;
  }

  /** The Noise handshake message (bytes 8..116). */
  byte[] noiseMessage() {
    return slice(NOISE_OFFSET, NOISE_OFFSET + NOISE_LENGTH);
  }
}
