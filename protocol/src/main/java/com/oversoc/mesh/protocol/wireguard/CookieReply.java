package com.oversoc.mesh.protocol.wireguard;

import java.util.Arrays;

/**
 * Cookie reply (type 3, 64 bytes): a responder under load answers a handshake message that has
 * no valid mac2 with a cookie, encrypted to the sender and bound to the mac1 it answers. The
 * sender puts {@code Mac(cookie, message)} into the mac2 of its next handshake messages.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   type (3)    |              reserved (0, 0, 0)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    receiver index (the answered message's sender, little-endian)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 random XChaCha20 nonce (24 bytes)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     encrypted cookie (16 bytes) + Poly1305 tag (16 bytes)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The cookie is sealed with XChaCha20-Poly1305 under {@code Hash("cookie--" || responder's static
 * public key)}, with the answered message's mac1 as associated data.
 */
public final class CookieReply {
  public static final int LENGTH = 64;
  static final int RECEIVER_OFFSET = 4;
  static final int NONCE_OFFSET = 8;
  static final int NONCE_LENGTH = 24;
  static final int COOKIE_OFFSET = 32;
  static final int SEALED_COOKIE_LENGTH = 32;

  private final byte[] bytes;

  private CookieReply(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Reads exactly 64 bytes of type 3 from {@code datagram[0..length)} (copied).
   *
   * @throws MessageException for another type or length
   */
  public static CookieReply decode(byte[] datagram, int length) throws MessageException {
    MessageType actual = MessageType.of(datagram, length);
    if (actual != MessageType.COOKIE_REPLY) {
      throw new MessageException(MessageException.Reason.UNKNOWN_TYPE, "expected COOKIE_REPLY, got " + actual);
    }
    actual.checkLength(length);
    return new CookieReply(Arrays.copyOf(datagram, length));
  }

  static CookieReply create(int receiver, byte[] nonce, byte[] sealedCookie) {
    byte[] b = HandshakeMessage.blank(MessageType.COOKIE_REPLY);
    Bytes.putIntLe(b, RECEIVER_OFFSET, receiver);
    System.arraycopy(nonce, 0, b, NONCE_OFFSET, NONCE_LENGTH);
    System.arraycopy(sealedCookie, 0, b, COOKIE_OFFSET, SEALED_COOKIE_LENGTH);
    return new CookieReply(b);
  }

  /** The index of the handshake message this reply answers. */
  public int receiver() {
    return Bytes.getIntLe(bytes, RECEIVER_OFFSET);
  }

  byte[] nonce() {
    return Arrays.copyOfRange(bytes, NONCE_OFFSET, NONCE_OFFSET + NONCE_LENGTH);
  }

  byte[] sealedCookie() {
    return Arrays.copyOfRange(bytes, COOKIE_OFFSET, COOKIE_OFFSET + SEALED_COOKIE_LENGTH);
  }

  /** The datagram to send: a copy of the message's bytes. */
  public byte[] toDatagram() {
    return bytes.clone();
  }
}
