package com.oversoc.mesh.protocol.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PresharedKeyTest {
  @Test
  void parsesTheFormWgGenpskPrints() {
    PresharedKey psk = PresharedKey.generate(new SecureRandom());
    PresharedKey again = PresharedKey.parse(psk.toBase64());
    assertEquals(psk, again);
    assertNotEquals(psk, PresharedKey.generate(new SecureRandom()));
    assertThrows(KeyFormatException.class, () -> PresharedKey.parse("short"));
  }

  @Test
  void neverPrintsItsMaterial() {
    PresharedKey psk = PresharedKey.generate(new SecureRandom());
    assertFalse(psk.toString().contains(psk.toBase64().substring(0, 8)));
  }

  @Test
  void destroyZerosAndRefusesUse() {
    PresharedKey psk = new PresharedKey(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    byte[] out = new byte[32];
    psk.copyMaterialTo(out, 0);
    assertEquals(1, out[0]);
    psk.destroy();
    assertTrue(psk.isDestroyed());
    assertArrayEquals(new byte[32], psk.bytes());
    assertThrows(IllegalStateException.class, () -> psk.copyMaterialTo(out, 0));
  }
}
