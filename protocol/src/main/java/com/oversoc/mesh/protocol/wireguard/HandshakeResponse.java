package com.oversoc.mesh.protocol.wireguard;

/**
 * Handshake response (type 2, 92 bytes): the second Noise_IKpsk2 message, from responder to
 * initiator.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   type (2)    |              reserved (0, 0, 0)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  sender index (little-endian)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     receiver index (the initiation's sender, little-endian)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          unencrypted ephemeral public key (32 bytes)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        encrypted nothing: a Poly1305 tag (16 bytes)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         mac1 (16 bytes)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         mac2 (16 bytes)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Bytes 12..60 are the Noise message {@code e, ee, se, psk} with an empty payload.
 */
public final class HandshakeResponse extends HandshakeMessage {
  public static final int LENGTH = 92;
  static final int RECEIVER_OFFSET = 8;
  static final int NOISE_OFFSET = 12;
  /** 32 (ephemeral) + 16 (sealed empty payload). */
  static final int NOISE_LENGTH = 48;

  private HandshakeResponse(byte[] bytes) {
    super(bytes);
  }

  /**
   * Reads exactly 92 bytes of type 2 from {@code datagram[0..length)} (copied).
   *
   * @throws MessageException for another type or length
   */
  public static HandshakeResponse decode(byte[] datagram, int length) throws MessageException {
    return new HandshakeResponse(copyExact(MessageType.HANDSHAKE_RESPONSE, datagram, length));
  }

  /** A new response with the macs still zero (the {@link CookieGenerator} fills them). */
  static HandshakeResponse create(int sender, int receiver, byte[] noiseMessage) {
    if (noiseMessage.length != NOISE_LENGTH) {
      throw new IllegalArgumentException("the Noise part of a response is 48 bytes, got " + noiseMessage.length);
    }
    byte[] b = blank(MessageType.HANDSHAKE_RESPONSE);
    Bytes.putIntLe(b, SENDER_OFFSET, sender);
    Bytes.putIntLe(b, RECEIVER_OFFSET, receiver);
    System.arraycopy(noiseMessage, 0, b, NOISE_OFFSET, NOISE_LENGTH);
    return new HandshakeResponse(b);
  }

  @Override
  public MessageType type() {
    return MessageType.HANDSHAKE_RESPONSE;
  }

  /** The initiator's index this response answers. */
  public int receiver() {
    return Bytes.getIntLe(bytes, RECEIVER_OFFSET);
  }

  /** The Noise handshake message (bytes 12..60). */
  byte[] noiseMessage() {
    return slice(NOISE_OFFSET, NOISE_OFFSET + NOISE_LENGTH);
  }
}
