package com.oversoc.mesh.protocol.stun;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A STUN attribute. FINGERPRINT is not one of these: {@link StunCodec} adds and checks it, and
 * {@link StunMessage#fingerprinted()} says whether a decoded message carried a valid one.
 */
public sealed interface StunAttribute {

  /** The attribute type on the wire. */
  int type();

  /** Attributes that carry a transport address, and how each is written. */
  enum AddressKind {
    MAPPED(StunProtocol.ATTR_MAPPED_ADDRESS, false),
    SOURCE(StunProtocol.ATTR_SOURCE_ADDRESS, false),
    CHANGED(StunProtocol.ATTR_CHANGED_ADDRESS, false),
    /** The mapped address XORed with the magic cookie (and, for IPv6, the transaction id). */
    XOR_MAPPED(StunProtocol.ATTR_XOR_MAPPED_ADDRESS, true),
    RESPONSE_ORIGIN(StunProtocol.ATTR_RESPONSE_ORIGIN, false),
    OTHER(StunProtocol.ATTR_OTHER_ADDRESS, false);

    final int type;
    final boolean xored;

    AddressKind(int type, boolean xored) {
      this.type = type;
      this.xored = xored;
    }

    static AddressKind ofType(int type) {
      for (AddressKind k : values()) {
        if (k.type == type) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * {@code reserved:1 family:1 port:2 address:4|16}; for XOR-MAPPED-ADDRESS the port and address
   * are XORed as RFC 8489 section 14.2 says.
   */
  record Address(AddressKind kind, TransportAddress address) implements StunAttribute {
    @Override
    public int type() {
      return kind.type;
    }
  }

  /** {@code flags:4}, bit 2 (0x4) change IP, bit 1 (0x2) change port. */
  record ChangeRequest(boolean changeIp, boolean changePort) implements StunAttribute {
    static final int CHANGE_IP = 0x4;
    static final int CHANGE_PORT = 0x2;

    @Override
    public int type() {
      return StunProtocol.ATTR_CHANGE_REQUEST;
    }
  }

  /** {@code reserved:2 class:1 number:1 reason:*}; code 300..699. */
  record ErrorCode(int code, String reason) implements StunAttribute {
    public ErrorCode {
      if (code < 300 || code > 699) {
        throw new IllegalArgumentException("STUN error codes are 300..699, got " + code);
      }
      if (reason.getBytes(StandardCharsets.UTF_8).length > StunProtocol.MAX_REASON_BYTES) {
        throw new IllegalArgumentException("reason phrase longer than " + StunProtocol.MAX_REASON_BYTES + " bytes");
      }
    }

    @Override
    public int type() {
      return StunProtocol.ATTR_ERROR_CODE;
    }
  }

  /** {@code type:2} per attribute the server did not understand. */
  record UnknownAttributes(List<Integer> types) implements StunAttribute {
    public UnknownAttributes {
      types = List.copyOf(types);
    }

    @Override
    public int type() {
      return StunProtocol.ATTR_UNKNOWN_ATTRIBUTES;
    }
  }

  /** UTF-8 description of the sender's software. */
  record Software(String description) implements StunAttribute {
    public Software {
      if (description.getBytes(StandardCharsets.UTF_8).length > StunProtocol.MAX_SOFTWARE_BYTES) {
        throw new IllegalArgumentException("SOFTWARE longer than " + StunProtocol.MAX_SOFTWARE_BYTES + " bytes");
      }
    }

    @Override
    public int type() {
      return StunProtocol.ATTR_SOFTWARE;
    }
  }

  /**
   * Any attribute this codec does not interpret (USERNAME, MESSAGE-INTEGRITY, ...), kept so that a
   * server can refuse comprehension-required ones with 420.
   */
  record Other(int type, byte[] value) implements StunAttribute {
    public Other {
      value = value.clone();
    }

    /** Types below 0x8000 must be understood by the receiver (RFC 8489 section 14). */
    public boolean comprehensionRequired() {
      return type < 0x8000;
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Other x && x.type == type && Arrays.equals(x.value, value);
    }

    @Override
    public int hashCode() {
      return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return String.format("Other[0x%04x: %s]", type, HexFormat.of().formatHex(value));
    }
  }
}
