package com.oversoc.mesh.protocol.path;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The probe codec against arbitrary input: it decodes or refuses with a typed error, nothing else. */
class PathProbePropertiesTest {
  @Property(tries = 3000)
  void arbitraryBytesDecodeOrFailTyped(@ForAll @Size(max = 64) byte[] bytes) {
    decodeOrRefuse(bytes);
  }

  /** A probe type byte and random kind, family and rest reach every branch of the decoder. */
  @Property(tries = 3000)
  void arbitraryBytesAfterTheProbeTypeDecodeOrFailTyped(
      @ForAll("kinds") byte kind, @ForAll("families") byte family, @ForAll @Size(max = 48) byte[] rest) {
    byte[] packet = new byte[PathProbe.FAMILY_OFFSET + 1 + rest.length];
    packet[PathProbe.TYPE_OFFSET] = (byte) PathProbe.TYPE;
    packet[PathProbe.KIND_OFFSET] = kind;
    packet[PathProbe.FAMILY_OFFSET] = family;
    System.arraycopy(rest, 0, packet, PathProbe.FAMILY_OFFSET + 1, rest.length);
    decodeOrRefuse(packet);
    decodeOrRefuse(Arrays.copyOf(packet, packet.length / 2));
  }

  @Property(tries = 1000)
  void everyEncodedProbeDecodesToItselfWithAnyZeroPadding(
      @ForAll long txid, @ForAll boolean pong, @ForAll boolean v6, @ForAll @IntRange(max = 65535) int port,
      @ForAll @Size(16) byte[] ip, @ForAll @IntRange(max = 40) int padding) throws PathProbeException {
    PathProbe probe = pong ? new PathProbe.Pong(txid, new ObservedAddress(v6 ? ip : Arrays.copyOf(ip, 4), port))
        : new PathProbe.Ping(txid);
    byte[] wire = probe.encode();
    assertEquals(probe, PathProbe.decode(Arrays.copyOf(wire, wire.length + padding)));
  }

  @Provide
  Arbitrary<Byte> kinds() {
    return Arbitraries.oneOf(Arbitraries.of((byte) PathProbe.KIND_PING, (byte) PathProbe.KIND_PONG), Arbitraries.bytes());
  }

  @Provide
  Arbitrary<Byte> families() {
    return Arbitraries.oneOf(Arbitraries.of((byte) PathProbe.FAMILY_IPV4, (byte) PathProbe.FAMILY_IPV6), Arbitraries.bytes());
  }

  /** Returns normally or throws PathProbeException; any other throwable fails the property. */
  private static void decodeOrRefuse(byte[] packet) {
    try {
      PathProbe.decode(packet);
      assertEquals(PathProbe.TYPE, packet[0] & 0xff, "only a probe type decodes");
    } catch (PathProbeException refused) {
      if (packet.length == 0) {
        assertEquals(PathProbeException.Reason.TRUNCATED, refused.reason());
      } else {
        assertEquals(refused.reason() == PathProbeException.Reason.NOT_A_PROBE, !PathProbe.isProbe(packet),
            "NOT_A_PROBE exactly when isProbe says no: " + refused.getMessage());
      }
    }
  }
}
