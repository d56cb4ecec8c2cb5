package com.oversoc.mesh.protocol.wireguard;

import java.util.Arrays;

/**
 * The two handshake messages share their tail: mac1 and mac2, 16 bytes each, end every
 * initiation and response. mac1 covers everything before it, mac2 everything before it
 * (including mac1). A handshake message owns its exact-length byte array.
 */
public abstract sealed class HandshakeMessage permits HandshakeInitiation, HandshakeResponse {
  /** Both messages carry their sender index at bytes 4..8. */
  static final int SENDER_OFFSET = 4;

  final byte[] bytes;

  HandshakeMessage(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Decode: exactly {@code type.length()} bytes, type field checked, copied. */
  static byte[] copyExact(MessageType type, byte[] datagram, int length) throws MessageException {
    MessageType actual = MessageType.of(datagram, length);
    if (actual != type) {
      throw new MessageException(MessageException.Reason.UNKNOWN_TYPE, "expected " + type + ", got " + actual);
    }
    type.checkLength(length);
    return Arrays.copyOf(datagram, length);
  }

  /** A fresh message: the type field written, everything else zero. */
  static byte[] blank(MessageType type) {
    byte[] b = new byte[type.length()];
    Bytes.putIntLe(b, 0, type.wire());
    return b;
  }

  public abstract MessageType type();

  /** The sender's index: the receiver index of every message the other side sends back. */
  public final int sender() {
    return Bytes.getIntLe(bytes, SENDER_OFFSET);
  }

  /** Offset of mac1: everything before it is what mac1 covers. */
  final int mac1Offset() {
    return bytes.length - 2 * WireGuardSpec.MAC_LENGTH;
  }

  /** Offset of mac2: everything before it is what mac2 covers. */
  final int mac2Offset() {
    return bytes.length - WireGuardSpec.MAC_LENGTH;
  }

  /** A copy of mac1. */
  public final byte[] mac1() {
    return Arrays.copyOfRange(bytes, mac1Offset(), mac2Offset());
  }

  /** A copy of mac2 (all zeros when the sender had no cookie). */
  public final byte[] mac2() {
    return Arrays.copyOfRange(bytes, mac2Offset(), bytes.length);
  }

  /** The datagram to send: a copy of the message's bytes. */
  public final byte[] toDatagram() {
    return bytes.clone();
  }

  /** Bytes {@code from..to} of the message, for the Noise core. */
  final byte[] slice(int from, int to) {
    return Arrays.copyOfRange(bytes, from, to);
  }
}
