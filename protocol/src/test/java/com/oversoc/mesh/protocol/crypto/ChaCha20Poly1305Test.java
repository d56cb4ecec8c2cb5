package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChaCha20Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();
  static final byte[] KEY = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  static final byte[] AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
  static final byte[] SUNSCREEN = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for"
      + " the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
  private static final String CIPHERTEXT = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
      + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
      + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
      + "3ff4def08e4b7a9de576d26586cec64b6116";
  private static final String TAG = "1ae10b594f09e26a7e902ecbd0600691";
  /**
   * RFC 8439 section 2.8.2, on the JDK cipher this class wraps. The RFC's nonce starts with the
   * word 07 00 00 00, which the Noise layout fixes at zero, so the exact vector runs on the JDK
   * cipher and {@link #noiseNonceLayout()} ties our wrapper to that cipher.
   */
  @Test
  void rfc8439Section282() throws Exception {
    Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "ChaCha20"),
        new IvParameterSpec(HEX.parseHex("070000004041424344454647")));
    jdk.updateAAD(AAD);
    assertEquals(CIPHERTEXT + TAG, HEX.formatHex(jdk.doFinal(SUNSCREEN)));
  }

  /** Nonce = four zero bytes, then the counter in little-endian order. */
  @Test
  void noiseNonceLayout() throws Exception {
    byte[] sealed = new ChaCha20Poly1305(KEY).seal(0x4746454443424140L, AAD, SUNSCREEN);
    Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
    jdk.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY, "ChaCha20"),
        new IvParameterSpec(HEX.parseHex("000000004041424344454647")));
    jdk.updateAAD(AAD);
    assertArrayEquals(SUNSCREEN, jdk.doFinal(sealed));
    assertArrayEquals(SUNSCREEN, new ChaCha20Poly1305(KEY).open(0x4746454443424140L, AAD, sealed));
  }

  @Test
  void anyFlippedBitIsRefused() throws Exception {
    ChaCha20Poly1305 c = new ChaCha20Poly1305(KEY);
    byte[] sealed = c.seal(7, AAD, SUNSCREEN);
    for (int i = 0; i < sealed.length; i += 13) {
      byte[] bad = sealed.clone();
      bad[i] ^= 1;
      assertThrows(AEADBadTagException.class, () -> c.open(7, AAD, bad));
    }
    assertThrows(AEADBadTagException.class, () -> c.open(8, AAD, sealed));
    assertThrows(AEADBadTagException.class, () -> c.open(7, new byte[0], sealed));
    assertThrows(AEADBadTagException.class, () -> c.open(7, AAD, new byte[15]));
    assertArrayEquals(SUNSCREEN, c.open(7, AAD, sealed));
  }

  @Test
  void sealsAndOpensInPlace() throws Exception {
    ChaCha20Poly1305 c = new ChaCha20Poly1305(KEY);
    byte[] buf = Arrays.copyOf(SUNSCREEN, SUNSCREEN.length + 16);
    assertEquals(SUNSCREEN.length + 16, c.seal(1, null, buf, 0, SUNSCREEN.length, buf, 0));
    assertEquals(SUNSCREEN.length, c.open(1, null, buf, 0, buf.length, buf, 0));
    assertArrayEquals(SUNSCREEN, Arrays.copyOf(buf, SUNSCREEN.length));
  }

  @Test
  void destroyedKeyRefusesUse() {
    ChaCha20Poly1305 c = new ChaCha20Poly1305(KEY);
    c.destroy();
    assertTrue(c.isDestroyed());
    assertThrows(IllegalStateException.class, () -> c.seal(0, null, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> new ChaCha20Poly1305(new byte[31]));
  }
}
