package com.oversoc.mesh.protocol.stun;

import static com.oversoc.mesh.protocol.stun.StunProtocol.FAMILY_IPV4;
import static com.oversoc.mesh.protocol.stun.StunProtocol.FAMILY_IPV6;
import static com.oversoc.mesh.protocol.stun.StunProtocol.HEADER_LENGTH;
import static com.oversoc.mesh.protocol.stun.StunProtocol.MAGIC_COOKIE;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunAttribute.Address;
import com.oversoc.mesh.protocol.stun.StunAttribute.AddressKind;
import com.oversoc.mesh.protocol.stun.StunAttribute.ChangeRequest;
import com.oversoc.mesh.protocol.stun.StunAttribute.ErrorCode;
import com.oversoc.mesh.protocol.stun.StunAttribute.Other;
import com.oversoc.mesh.protocol.stun.StunAttribute.Software;
import com.oversoc.mesh.protocol.stun.StunAttribute.UnknownAttributes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Encodes and decodes STUN messages exactly: the length field must match the datagram, every
 * attribute must fit, address attributes must have their exact size, and FINGERPRINT, when
 * present, must be last and correct. Anything else is a {@link StunFormatException}.
 */
public final class StunCodec {
  private static final int ATTRIBUTE_HEADER = 4;
  private static final int FINGERPRINT_ATTRIBUTE = ATTRIBUTE_HEADER + 4;

  private StunCodec() {}

  /**
   * A cheap test for demultiplexing a UDP port shared with other protocols: top two bits zero,
   * the magic cookie, and a length field that matches the datagram.
   */
  public static boolean looksLikeStun(byte[] datagram, int length) {
    if (length < HEADER_LENGTH || length > datagram.length || (datagram[0] & 0xc0) != 0) {
      return false;
    }
    int declared = (datagram[2] & 0xff) << 8 | (datagram[3] & 0xff);
    int cookie = ByteBuffer.wrap(datagram, 4, 4).getInt();
    return cookie == MAGIC_COOKIE && declared + HEADER_LENGTH == length && (declared & 3) == 0;
  }

  public static byte[] encode(StunMessage m) {
    int length = 0;
    List<byte[]> values = new ArrayList<>(m.attributes().size());
    for (StunAttribute a : m.attributes()) {
      byte[] v = value(a, m.transactionId());
      values.add(v);
      length += ATTRIBUTE_HEADER + padded(v.length);
    }
    int bodyLength = length + (m.fingerprinted() ? FINGERPRINT_ATTRIBUTE : 0);
    if (bodyLength > 0xffff) {
      throw new IllegalArgumentException("STUN message of " + bodyLength + " bytes does not fit its length field");
    }
    ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + bodyLength);
    out.putShort((short) m.messageClass().messageType(m.method()));
    out.putShort((short) bodyLength);
    out.putInt(m.magicCookie());
    byte[] id = new byte[TransactionId.LENGTH];
    m.transactionId().copyTo(id, 0);
    out.put(id);
    for (int i = 0; i < values.size(); i++) {
      byte[] v = values.get(i);
      out.putShort((short) m.attributes().get(i).type()).putShort((short) v.length).put(v);
      out.position(out.position() + padded(v.length) - v.length); // padding stays zero
    }
    if (m.fingerprinted()) {
      int crc = crc(out.array(), out.position());
      out.putShort((short) StunProtocol.ATTR_FINGERPRINT).putShort((short) 4).putInt(crc ^ StunProtocol.FINGERPRINT_XOR);
    }
    return out.array();
  }

  /** Decodes {@code datagram[0, length)}. */
  public static StunMessage decode(byte[] datagram, int length) {
    if (length < HEADER_LENGTH) {
      throw new StunFormatException("a STUN message is at least 20 bytes, got " + length);
    }
    ByteBuffer in = ByteBuffer.wrap(datagram, 0, length);
    int type = in.getShort() & 0xffff;
    if ((type & 0xc000) != 0) {
      throw new StunFormatException("the two top bits of a STUN message are zero");
    }
    int declared = in.getShort() & 0xffff;
    if (declared + HEADER_LENGTH != length) {
      throw new StunFormatException("length field says " + declared + " bytes of attributes, datagram has "
          + (length - HEADER_LENGTH));
    }
    if ((declared & 3) != 0) {
      throw new StunFormatException("length " + declared + " is not a multiple of 4");
    }
    int cookie = in.getInt();
    byte[] id = new byte[TransactionId.LENGTH];
    in.get(id);
    TransactionId tid = TransactionId.of(id);

    List<StunAttribute> attributes = new ArrayList<>();
    boolean fingerprinted = false;
    while (in.hasRemaining()) {
      if (fingerprinted) {
        throw new StunFormatException("attributes follow FINGERPRINT, which must be last");
      }
      if (in.remaining() < ATTRIBUTE_HEADER) {
        throw new StunFormatException("truncated attribute header");
      }
      int start = in.position();
      int attrType = in.getShort() & 0xffff;
      int attrLength = in.getShort() & 0xffff;
      if (padded(attrLength) > in.remaining()) {
        throw new StunFormatException(String.format("attribute 0x%04x of %d bytes overruns the message", attrType, attrLength));
      }
      ByteBuffer value = in.slice(in.position(), attrLength);
      in.position(in.position() + padded(attrLength));
      if (attrType == StunProtocol.ATTR_FINGERPRINT) {
        checkFingerprint(datagram, start, value, attrLength);
        fingerprinted = true;
      } else {
        attributes.add(attribute(attrType, value, tid));
      }
    }
    return new StunMessage(StunClass.ofMessageType(type), StunClass.methodOf(type), cookie, tid, attributes,
        fingerprinted);
  }

  private static void checkFingerprint(byte[] datagram, int start, ByteBuffer value, int attrLength) {
    if (attrLength != 4) {
      throw new StunFormatException("FINGERPRINT is 4 bytes, got " + attrLength);
    }
    int expected = crc(datagram, start) ^ StunProtocol.FINGERPRINT_XOR;
    if (value.getInt() != expected) {
      throw new StunFormatException("FINGERPRINT does not match the message");
    }
  }

  private static int crc(byte[] bytes, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  private static StunAttribute attribute(int type, ByteBuffer v, TransactionId tid) {
    AddressKind kind = AddressKind.ofType(type);
    if (kind != null) {
      return new Address(kind, address(kind, v, tid));
    }
    return switch (type) {
      case StunProtocol.ATTR_CHANGE_REQUEST -> {
        exact("CHANGE-REQUEST", v, 4);
        int flags = v.getInt();
        yield new ChangeRequest((flags & ChangeRequest.CHANGE_IP) != 0, (flags & ChangeRequest.CHANGE_PORT) != 0);
      }
      case StunProtocol.ATTR_ERROR_CODE -> {
        if (v.remaining() < 4) {
          throw new StunFormatException("ERROR-CODE is at least 4 bytes, got " + v.remaining());
        }
        v.getShort();
        int errorClass = v.get() & 0x07;
        int number = v.get() & 0xff;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
          throw new StunFormatException("ERROR-CODE class " + errorClass + " number " + number + " is not 300..699");
        }
        yield new ErrorCode(errorClass * 100 + number, text(v, StunProtocol.MAX_REASON_BYTES, "ERROR-CODE reason"));
      }
      case StunProtocol.ATTR_UNKNOWN_ATTRIBUTES -> {
        if ((v.remaining() & 1) != 0) {
          throw new StunFormatException("UNKNOWN-ATTRIBUTES has an odd length " + v.remaining());
        }
        List<Integer> types = new ArrayList<>();
        while (v.hasRemaining()) {
          types.add(v.getShort() & 0xffff);
        }
        yield new UnknownAttributes(types);
      }
      case StunProtocol.ATTR_SOFTWARE -> new Software(text(v, StunProtocol.MAX_SOFTWARE_BYTES, "SOFTWARE"));
      default -> {
        byte[] raw = new byte[v.remaining()];
        v.get(raw);
        yield new Other(type, raw);
      }
    };
  }

  private static TransportAddress address(AddressKind kind, ByteBuffer v, TransactionId tid) {
    if (v.remaining() != 8 && v.remaining() != 20) {
      throw new StunFormatException(kind + " address is 8 (IPv4) or 20 (IPv6) bytes, got " + v.remaining());
    }
    v.get(); // reserved
    int family = v.get() & 0xff;
    int addressLength = family == FAMILY_IPV4 ? 4 : family == FAMILY_IPV6 ? 16 : -1;
    if (addressLength < 0) {
      throw new StunFormatException(kind + " has unknown address family " + family);
    }
    if (v.remaining() != 2 + addressLength) {
      throw new StunFormatException(kind + " family " + family + " does not match its length");
    }
    int port = v.getShort() & 0xffff;
    byte[] ip = new byte[addressLength];
    v.get(ip);
    if (kind.xored) {
      port ^= MAGIC_COOKIE >>> 16;
      xor(ip, tid);
    }
    return new TransportAddress(IpLiteral.ofBytes(ip), port);
  }

  /** XORs an address with the magic cookie followed by the transaction id (RFC 8489 section 14.2). */
  private static void xor(byte[] ip, TransactionId tid) {
    for (int i = 0; i < ip.length; i++) {
      int mask = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff : tid.get(i - 4) & 0xff;
      ip[i] ^= (byte) mask;
    }
  }

  private static void exact(String name, ByteBuffer v, int length) {
    if (v.remaining() != length) {
      throw new StunFormatException(name + " is " + length + " bytes, got " + v.remaining());
    }
  }

  private static String text(ByteBuffer v, int max, String what) {
    if (v.remaining() > max) {
      throw new StunFormatException(what + " is longer than " + max + " bytes");
    }
    byte[] raw = new byte[v.remaining()];
    v.get(raw);
    // Informational text only: replace bad UTF-8 rather than refuse an otherwise good answer.
    return new String(raw, StandardCharsets.UTF_8);
  }

  private static byte[] value(StunAttribute a, TransactionId tid) {
    return switch (a) {
      case Address x -> {
        byte[] ip = x.address().address().bytes();
        int port = x.address().port();
        if (x.kind().xored) {
          port ^= MAGIC_COOKIE >>> 16;
          xor(ip, tid);
        }
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
        b.put((byte) 0).put((byte) (ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6)).putShort((short) port).put(ip);
        yield b.array();
      }
      case ChangeRequest c -> ByteBuffer.allocate(4)
          .putInt((c.changeIp() ? ChangeRequest.CHANGE_IP : 0) | (c.changePort() ? ChangeRequest.CHANGE_PORT : 0))
          .array();
      case ErrorCode e -> {
        byte[] reason = e.reason().getBytes(StandardCharsets.UTF_8);
        yield ByteBuffer.allocate(4 + reason.length)
            .putShort((short) 0).put((byte) (e.code() / 100)).put((byte) (e.code() % 100)).put(reason).array();
      }
      case UnknownAttributes u -> {
        ByteBuffer b = ByteBuffer.allocate(2 * u.types().size());
        u.types().forEach(t -> b.putShort(t.shortValue()));
        yield b.array();
      }
      case Software s -> s.description().getBytes(StandardCharsets.UTF_8);
      case Other o -> o.value();
    };
  }

  private static int padded(int length) {
    return (length + 3) & ~3;
  }
}
