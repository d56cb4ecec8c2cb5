package com.oversoc.mesh.protocol.stun;

/** The class of a STUN message: the C1 and C0 bits spread inside the message type. */
public enum StunClass {
  REQUEST(0b00),
  INDICATION(0b01),
  SUCCESS_RESPONSE(0b10),
  ERROR_RESPONSE(0b11);

  private final int bits;

  StunClass(int bits) {
    this.bits = bits;
  }

  /** The 14-bit message type for {@code method} in this class (RFC 8489 section 5). */
  int messageType(int method) {
    return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2)
        | ((bits & 0b01) << 4) | ((bits & 0b10) << 7);
  }

  static StunClass ofMessageType(int type) {
    int bits = ((type >> 4) & 0b01) | ((type >> 7) & 0b10);
    return values()[bits];
  }

  static int methodOf(int type) {
    return (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  }
}
