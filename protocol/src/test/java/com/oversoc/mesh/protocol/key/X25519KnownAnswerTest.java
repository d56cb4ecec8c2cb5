package com.oversoc.mesh.protocol.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 7748 section 5.2, through the typed keys' {@link PrivateKey#agree}. */
class X25519KnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] x25519(byte[] scalar, byte[] u) {
    byte[] out = new byte[32];
    new EphemeralPrivateKey(scalar).agree(new EphemeralPublicKey(u), out, 0);
    return out;
  }

  @Test
  void firstVector() {
    assertArrayEquals(
        HEX.parseHex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
        x25519(HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
            HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")));
  }

  /** The input u-coordinate has its top bit set, which X25519 must ignore. */
  @Test
  void secondVectorMasksTheTopBitOfU() {
    assertArrayEquals(
        HEX.parseHex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
        x25519(HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
            HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")));
  }

  /** k = u = 9; then repeatedly k, u = X25519(k, u), k. */
  @Test
  void oneAndOneThousandIterations() {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 1; i <= 1000; i++) {
      byte[] next = x25519(k, u);
      u = k;
      k = next;
      if (i == 1) {
        assertArrayEquals(HEX.parseHex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"), k);
      }
    }
    assertArrayEquals(HEX.parseHex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"), k);
  }

  @Test
  void lowOrderPointIsRefused() {
    byte[] zero = new byte[32];
    EphemeralPrivateKey key = new EphemeralPrivateKey(HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
    assertThrows(KeyFormatException.class, () -> key.agree(new EphemeralPublicKey(zero), new byte[32], 0));
  }
}
