package com.oversoc.mesh.protocol.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunAttribute.Address;
import com.oversoc.mesh.protocol.stun.StunAttribute.AddressKind;
import com.oversoc.mesh.protocol.stun.StunAttribute.ChangeRequest;
import com.oversoc.mesh.protocol.stun.StunAttribute.ErrorCode;
import com.oversoc.mesh.protocol.stun.StunAttribute.Other;
import com.oversoc.mesh.protocol.stun.StunAttribute.Software;
import com.oversoc.mesh.protocol.stun.StunAttribute.UnknownAttributes;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class StunCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 5769 section 2.1: a request with SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY. */
  static final byte[] RFC5769_REQUEST = HEX.parseHex(
      "000100582112a442b7e7a701bc34d686fa87dfae"
          + "80220010" + "5354554e2074657374" + "20636c69656e74"
          + "00240004" + "6e0001ff"
          + "80290008" + "932ff9b151263b36"
          + "00060009" + "6576746a3a68367659202020"
          + "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
          + "80280004" + "e57a3bcf");

  /** RFC 5769 section 2.2: IPv4 response, mapped address 192.0.2.1 port 32853. */
  static final byte[] RFC5769_IPV4_RESPONSE = HEX.parseHex(
      "0101003c2112a442b7e7a701bc34d686fa87dfae"
          + "8022000b" + "7465737420766563746f7220"
          + "00200008" + "0001a147e112a643"
          + "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
          + "80280004" + "c07d4c96");

  /** RFC 5769 section 2.3: IPv6 response, mapped address 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
  static final byte[] RFC5769_IPV6_RESPONSE = HEX.parseHex(
      "010100482112a442b7e7a701bc34d686fa87dfae"
          + "8022000b" + "7465737420766563746f7220"
          + "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
          + "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41"
          + "80280004" + "c8fb0b4c");

  static final TransactionId RFC5769_ID = TransactionId.of(HEX.parseHex("b7e7a701bc34d686fa87dfae"));

  @Test
  void decodesTheRfc5769Ipv4Response() {
    StunMessage m = StunCodec.decode(RFC5769_IPV4_RESPONSE, RFC5769_IPV4_RESPONSE.length);
    assertEquals(StunClass.SUCCESS_RESPONSE, m.messageClass());
    assertTrue(m.isBinding());
    assertFalse(m.isClassic());
    assertEquals(RFC5769_ID, m.transactionId());
    assertTrue(m.fingerprinted(), "FINGERPRINT c07d4c96 verified");
    assertEquals(new TransportAddress(IpLiteral.parse("192.0.2.1"), 32853), m.mappedAddress().orElseThrow());
    assertEquals("test vector", m.first(Software.class).orElseThrow().description());
    assertEquals(0x0008, m.first(Other.class).orElseThrow().type(), "MESSAGE-INTEGRITY is kept, not interpreted");
  }

  @Test
  void decodesTheRfc5769Ipv6Response() {
    StunMessage m = StunCodec.decode(RFC5769_IPV6_RESPONSE, RFC5769_IPV6_RESPONSE.length);
    assertTrue(m.fingerprinted());
    assertEquals(new TransportAddress(IpLiteral.parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
        m.mappedAddress().orElseThrow());
  }

  @Test
  void decodesTheRfc5769RequestAndVerifiesItsFingerprint() {
    StunMessage m = StunCodec.decode(RFC5769_REQUEST, RFC5769_REQUEST.length);
    assertEquals(StunClass.REQUEST, m.messageClass());
    assertTrue(m.fingerprinted());
    assertEquals("STUN test client", m.first(Software.class).orElseThrow().description());
    assertEquals(5, m.attributes().size(), "SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY");
  }

  @Test
  void encodingReproducesTheRfcXorAndFingerprint() {
    // The RFC 5769 IPv4 response without MESSAGE-INTEGRITY: a message we would send.
    StunMessage m = new StunMessage(StunClass.SUCCESS_RESPONSE, StunProtocol.METHOD_BINDING, StunProtocol.MAGIC_COOKIE,
        RFC5769_ID, List.of(new Address(AddressKind.XOR_MAPPED,
            new TransportAddress(IpLiteral.parse("192.0.2.1"), 32853))), true);
    byte[] wire = StunCodec.encode(m);
    assertEquals("00200008" + "0001a147e112a643", HEX.formatHex(wire, 20, 32));
    assertEquals(m, StunCodec.decode(wire, wire.length));
    assertTrue(StunCodec.looksLikeStun(wire, wire.length));
  }

  @Test
  void everyAttributeRoundTrips() {
    TransactionId id = TransactionId.random(new SplittableRandom(1));
    StunMessage m = new StunMessage(StunClass.ERROR_RESPONSE, StunProtocol.METHOD_BINDING, StunProtocol.MAGIC_COOKIE, id,
        List.of(
            new Address(AddressKind.XOR_MAPPED, new TransportAddress(IpLiteral.parse("2001:db8::7"), 1)),
            new Address(AddressKind.MAPPED, new TransportAddress(IpLiteral.parse("198.51.100.9"), 65535)),
            new Address(AddressKind.SOURCE, new TransportAddress(IpLiteral.parse("203.0.113.1"), 3478)),
            new Address(AddressKind.CHANGED, new TransportAddress(IpLiteral.parse("203.0.113.1"), 3478)),
            new Address(AddressKind.RESPONSE_ORIGIN, new TransportAddress(IpLiteral.parse("::1"), 3478)),
            new Address(AddressKind.OTHER, new TransportAddress(IpLiteral.parse("10.0.0.1"), 3479)),
            new ChangeRequest(true, false),
            new ErrorCode(420, "Unknown Attribute"),
            new UnknownAttributes(List.of(0x0003, 0x0024, 0x0006)),
            new Software("ovsgw é"),
            new Other(0x7fff, new byte[] {1, 2, 3})),
        true);
    byte[] wire = StunCodec.encode(m);
    assertEquals(0, wire.length % 4);
    assertEquals(m, StunCodec.decode(wire, wire.length));
  }

  @Test
  void malformedMessagesAreTypedErrors() {
    byte[] good = StunCodec.encode(StunMessage.bindingRequest(RFC5769_ID));
    assertThrows(StunFormatException.class, () -> StunCodec.decode(good, 19));

    byte[] topBits = good.clone();
    topBits[0] |= (byte) 0x80;
    assertThrows(StunFormatException.class, () -> StunCodec.decode(topBits, topBits.length));

    byte[] badFingerprint = good.clone();
    badFingerprint[badFingerprint.length - 1] ^= 1;
    StunFormatException fp = assertThrows(StunFormatException.class,
        () -> StunCodec.decode(badFingerprint, badFingerprint.length));
    assertEquals("FINGERPRINT does not match the message", fp.getMessage());

    byte[] longer = java.util.Arrays.copyOf(good, good.length + 4);
    assertThrows(StunFormatException.class, () -> StunCodec.decode(longer, longer.length));

    // A correct FINGERPRINT followed by another attribute.
    byte[] header = HEX.parseHex("000100102112a442b7e7a701bc34d686fa87dfae");
    CRC32 crc = new CRC32();
    crc.update(header);
    int fingerprint = (int) crc.getValue() ^ StunProtocol.FINGERPRINT_XOR;
    byte[] after = HEX.parseHex(HEX.formatHex(header) + "80280004" + HEX.toHexDigits(fingerprint) + "80220004" + "61626364");
    StunFormatException last = assertThrows(StunFormatException.class, () -> StunCodec.decode(after, after.length));
    assertEquals("attributes follow FINGERPRINT, which must be last", last.getMessage());

    // XOR-MAPPED-ADDRESS of the wrong size, and an unknown address family.
    byte[] shortAddress = HEX.parseHex("010100082112a442b7e7a701bc34d686fa87dfae" + "00200004" + "0001a147");
    assertThrows(StunFormatException.class, () -> StunCodec.decode(shortAddress, shortAddress.length));
    byte[] family = HEX.parseHex("0101000c2112a442b7e7a701bc34d686fa87dfae" + "00200008" + "0003a147e112a643");
    assertThrows(StunFormatException.class, () -> StunCodec.decode(family, family.length));

    // An attribute that runs past the end.
    byte[] overrun = HEX.parseHex("000100042112a442b7e7a701bc34d686fa87dfae" + "80220010");
    assertThrows(StunFormatException.class, () -> StunCodec.decode(overrun, overrun.length));
  }

  @Test
  void randomAndMutatedDatagramsDecodeOrFailTyped() {
    SplittableRandom random = new SplittableRandom(9);
    List<byte[]> seeds = List.of(RFC5769_REQUEST, RFC5769_IPV4_RESPONSE, RFC5769_IPV6_RESPONSE);
    for (int i = 0; i < 20_000; i++) {
      byte[] d;
      if (i % 2 == 0) {
        d = seeds.get(random.nextInt(seeds.size())).clone();
        d[random.nextInt(d.length)] = (byte) random.nextInt(256);
      } else {
        d = new byte[random.nextInt(100)];
        random.nextBytes(d);
      }
      try {
        StunMessage m = StunCodec.decode(d, d.length);
        // What decodes re-encodes to something that decodes to the same message.
        byte[] again = StunCodec.encode(m);
        assertEquals(m, StunCodec.decode(again, again.length));
      } catch (StunFormatException expected) {
        // typed refusal
      }
    }
  }

  @Test
  void messageTypesSpreadClassBitsAsTheRfcSays() {
    assertEquals(0x0001, StunClass.REQUEST.messageType(StunProtocol.METHOD_BINDING));
    assertEquals(0x0011, StunClass.INDICATION.messageType(StunProtocol.METHOD_BINDING));
    assertEquals(0x0101, StunClass.SUCCESS_RESPONSE.messageType(StunProtocol.METHOD_BINDING));
    assertEquals(0x0111, StunClass.ERROR_RESPONSE.messageType(StunProtocol.METHOD_BINDING));
    for (int method = 0; method <= 0xfff; method += 7) {
      for (StunClass c : StunClass.values()) {
        int type = c.messageType(method);
        assertEquals(c, StunClass.ofMessageType(type));
        assertEquals(method, StunClass.methodOf(type));
      }
    }
  }

  @Test
  void bindingRequestIsTwentyBytesPlusFingerprint() {
    byte[] wire = StunCodec.encode(StunMessage.bindingRequest(RFC5769_ID));
    assertEquals(28, wire.length);
    assertArrayEquals(HEX.parseHex("000100082112a442b7e7a701bc34d686fa87dfae80280004"), java.util.Arrays.copyOf(wire, 24));
  }
}
