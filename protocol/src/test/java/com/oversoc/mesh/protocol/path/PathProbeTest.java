package com.oversoc.mesh.protocol.path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.path.PathProbe.Ping;
import com.oversoc.mesh.protocol.path.PathProbe.Pong;
import com.oversoc.mesh.protocol.path.PathProbeException.Reason;
import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.frame.PacketHeader;
import com.oversoc.mesh.protocol.wireguard.TransportData;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The probe codec: exact layouts, padding, and one typed error per kind of bad packet. */
class PathProbeTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final ObservedAddress V4 = ObservedAddress.of(IpLiteral.parse("192.0.2.10"), 41641);
  private static final ObservedAddress V6 = ObservedAddress.of(IpLiteral.parse("2001:db8::7"), 0xABCD);

  private static Reason refusal(byte[] packet) {
    return assertThrows(PathProbeException.class, () -> PathProbe.decode(packet)).reason();
  }

  /** {@code packet} padded with zeros as the sender's WireGuard pads it: to a multiple of 16. */
  private static byte[] padded(byte[] packet) {
    return Arrays.copyOf(packet, packet.length + TransportData.paddingFor(packet.length));
  }

  @Test
  void sizesAndOffsetsFollowTheDiagram() {
    assertEquals(10, PathProbe.PING_SIZE);
    assertEquals(2, PathProbe.TXID_OFFSET);
    assertEquals(10, PathProbe.FAMILY_OFFSET);
    assertEquals(11, PathProbe.PORT_OFFSET);
    assertEquals(13, PathProbe.ADDRESS_OFFSET);
    assertEquals(17, PathProbe.PONG_IPV4_SIZE);
    assertEquals(29, PathProbe.PONG_IPV6_SIZE);
  }

  @Test
  void theProbeTypeIsNeverTheTransportVersionSoTheFirstByteTellsThemApart() {
    assertNotEquals(TransportSpec.VERSION, PathProbe.TYPE);
    ByteBuffer transport = ByteBuffer.allocate(PacketHeader.SIZE);
    PacketHeader.write(transport, 0x01020304, 9);
    assertFalse(PathProbe.isProbe(transport.array()));
    assertTrue(PathProbe.isProbe(new Ping(1).encode()));
    assertFalse(PathProbe.isProbe(new byte[0]));
    assertEquals(Reason.NOT_A_PROBE, refusal(padded(transport.array())));
  }

  @Test
  void aPingIsTypeKindAndABigEndianTransactionId() throws PathProbeException {
    byte[] wire = new Ping(0x0102030405060708L).encode();
    assertArrayEquals(HEX.parseHex("d1010102030405060708"), wire);
    assertEquals(new Ping(0x0102030405060708L), PathProbe.decode(wire));
  }

  @Test
  void anIpv4PongCarriesFamilyPortAndAddress() throws PathProbeException {
    byte[] wire = new Pong(-1L, V4).encode();
    assertArrayEquals(HEX.parseHex("d102ffffffffffffffff" + "04" + "a2a9" + "c000020a"), wire);
    Pong back = (Pong) PathProbe.decode(wire);
    assertEquals(-1L, back.txid());
    assertEquals(V4, back.seenFrom());
    assertEquals(41641, back.seenFrom().port());
  }

  @Test
  void anIpv6PongCarriesTheSixteenByteAddress() throws PathProbeException {
    byte[] wire = new Pong(5, V6).encode();
    assertEquals(PathProbe.PONG_IPV6_SIZE, wire.length);
    assertEquals(6, wire[PathProbe.FAMILY_OFFSET]);
    assertArrayEquals(HEX.parseHex("abcd20010db8000000000000000000000007"),
        Arrays.copyOfRange(wire, PathProbe.PORT_OFFSET, wire.length));
    assertEquals(new Pong(5, V6), PathProbe.decode(wire));
  }

  @Test
  void aPongAnswersItsPingsTransactionIdWithTheAddressItCameFrom() {
    Ping ping = new Ping(77);
    Pong pong = ping.pong(V6);
    assertEquals(77, pong.txid());
    assertEquals(V6, pong.seenFrom());
  }

  @Test
  void wireGuardZeroPaddingAfterAnyProbeIsIgnored() throws PathProbeException {
    for (PathProbe probe : new PathProbe[] {new Ping(3), new Pong(4, V4), new Pong(5, V6)}) {
      byte[] wire = padded(probe.encode());
      assertEquals(0, wire.length % 16, "padded to a multiple of 16");
      assertTrue(wire.length > probe.encode().length, "padding was added");
      assertEquals(probe, PathProbe.decode(wire));
      assertEquals(probe, PathProbe.decode(Arrays.copyOf(wire, 64)), "more zeros are padding too");
    }
  }

  @Test
  void tooShortPacketsAreTruncated() {
    assertEquals(Reason.TRUNCATED, refusal(new byte[0]));
    assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(new Ping(1).encode(), 9)));
    byte[] pong = new Pong(1, V4).encode();
    assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(pong, PathProbe.FAMILY_OFFSET)), "a pong without its family");
    assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(pong, PathProbe.PONG_IPV4_SIZE - 1)));
    byte[] pong6 = new Pong(1, V6).encode();
    assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(pong6, PathProbe.PONG_IPV4_SIZE)),
        "an IPv6 pong cut after four address bytes");
  }

  @Test
  void aShortPacketThatIsNotAProbeSaysSo() {
    assertEquals(Reason.NOT_A_PROBE, refusal(new byte[] {1, 2, 3}));
  }

  @Test
  void kindsOtherThanPingAndPongAreUnknown() {
    for (int kind : new int[] {0, 3, 0xff}) {
      byte[] wire = new Ping(1).encode();
      wire[PathProbe.KIND_OFFSET] = (byte) kind;
      assertEquals(Reason.UNKNOWN_KIND, refusal(padded(wire)), "kind " + kind);
    }
  }

  @Test
  void familiesOtherThanFourAndSixAreRefused() {
    for (int family : new int[] {0, 5, 41}) {
      byte[] wire = new Pong(1, V6).encode();
      wire[PathProbe.FAMILY_OFFSET] = (byte) family;
      assertEquals(Reason.BAD_FAMILY, refusal(padded(wire)), "family " + family);
    }
  }

  @Test
  void anythingButZerosAfterTheMessageIsTrailingGarbage() {
    byte[] ping = padded(new Ping(1).encode());
    ping[15] = 1;
    assertEquals(Reason.TRAILING_GARBAGE, refusal(ping));
    byte[] pong = padded(new Pong(1, V4).encode());
    pong[PathProbe.PONG_IPV4_SIZE] = (byte) 0x80;
    assertEquals(Reason.TRAILING_GARBAGE, refusal(pong));
    byte[] ipv4PongWithSixteenAddressBytes = new Pong(1, V6).encode();
    ipv4PongWithSixteenAddressBytes[PathProbe.FAMILY_OFFSET] = 4;
    assertEquals(Reason.TRAILING_GARBAGE, refusal(ipv4PongWithSixteenAddressBytes), "the family sets the length");
  }

  @Test
  void observedAddressesHaveValueEqualityAndAreImmutable() {
    byte[] ip = {10, 0, 0, 1};
    ObservedAddress a = new ObservedAddress(ip, 7);
    ip[0] = 99;
    assertEquals(new ObservedAddress(new byte[] {10, 0, 0, 1}, 7), a, "copied in");
    assertEquals(new ObservedAddress(new byte[] {10, 0, 0, 1}, 7).hashCode(), a.hashCode());
    a.ip()[1] = 99;
    assertEquals(0, a.ip()[1], "copied out");
    assertNotEquals(new ObservedAddress(new byte[] {10, 0, 0, 1}, 8), a);
    assertEquals(4, a.family());
    assertEquals(6, V6.family());
    assertEquals("10.0.0.1:7", a.toString());
    assertEquals("[2001:db8::7]:43981", V6.toString());
  }

  @Test
  void observedAddressesRefuseBadLengthsAndPorts() {
    assertThrows(IllegalArgumentException.class, () -> new ObservedAddress(new byte[5], 1));
    assertThrows(IllegalArgumentException.class, () -> new ObservedAddress(new byte[4], -1));
    assertThrows(IllegalArgumentException.class, () -> new ObservedAddress(new byte[16], 65536));
    assertEquals(65535, new ObservedAddress(new byte[16], 65535).port());
  }
}
