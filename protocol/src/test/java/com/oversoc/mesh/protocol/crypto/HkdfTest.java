package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] range(int from, int to) {
    byte[] b = new byte[to - from];
    for (int i = from; i < to; i++) {
      b[i - from] = (byte) i;
    }
    return b;
  }

  /** Computed with Python's hmac and hashlib.blake2s following the WireGuard paper's Kdf_n. */
  @Test
  void threeOutputs() {
    byte[][] out = Hkdf.derive(range(0, 32), range(0x20, 0x40), 3);
    assertArrayEquals(HEX.parseHex("6a96444e20e8d4c1cee974416acae1c10b3c92886010e54ed94dafb2c3b80ea0"), out[0]);
    assertArrayEquals(HEX.parseHex("57af120b0de7acbe7907ec149c5ae870a2dbb74232b65777ba4123f1f7f888f5"), out[1]);
    assertArrayEquals(HEX.parseHex("0926c7caabb6e8d73beda759e6f4f0d324ce5b5000bcf8cd784b26db3049faa9"), out[2]);
  }

  /** Zero chaining key, empty input: the first output is the one wireguard-go produces. */
  @Test
  void emptyInput() {
    byte[][] out = Hkdf.derive(new byte[32], new byte[0], 2);
    assertArrayEquals(HEX.parseHex("8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0"), out[0]);
    assertArrayEquals(HEX.parseHex("58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e"), out[1]);
  }

  /** The WireGuard construction's first two values: HASH(CONSTRUCTION) and HASH(that || IDENTIFIER). */
  @Test
  void wireGuardInitialChainingKeyAndHash() {
    byte[] ck = Blake2s.hash("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII));
    assertEquals("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36", HEX.formatHex(ck));
    assertEquals("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3",
        HEX.formatHex(Blake2s.hash(ck, "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void outputCountIsOneToThree() {
    assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(new byte[32], new byte[0], 0));
    assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(new byte[32], new byte[0], 4));
  }
}
