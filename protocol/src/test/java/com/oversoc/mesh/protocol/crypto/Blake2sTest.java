package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class Blake2sTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] sequence(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  /** RFC 7693 appendix B: BLAKE2s-256("abc"). */
  @Test
  void rfc7693AppendixB() {
    assertArrayEquals(HEX.parseHex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"),
        Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII)));
    assertArrayEquals(HEX.parseHex("69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"),
        Blake2s.hash(new byte[0]));
  }

  /** The 256 keyed entries of the BLAKE2 reference KAT (blake2s-kat.txt). */
  @Test
  void keyedKnownAnswerSet() throws IOException {
    List<String> expected;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(getClass().getResourceAsStream("/crypto/blake2s-keyed-kat.txt")), StandardCharsets.US_ASCII))) {
      expected = in.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
    assertEquals(256, expected.size());
    byte[] key = sequence(32);
    byte[] input = sequence(255);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), HEX.formatHex(Blake2s.mac(key, 32, input, 0, i)), "input length " + i);
    }
  }

  @Test
  void concatenatedPartsHashAsOneInput() {
    byte[] whole = sequence(100);
    byte[] first = java.util.Arrays.copyOf(whole, 37);
    byte[] second = java.util.Arrays.copyOfRange(whole, 37, 100);
    assertArrayEquals(Blake2s.hash(whole), Blake2s.hash(first, second));
    byte[] out = new byte[32];
    Blake2s.hashInto(out, first, whole, 37, 63);
    assertArrayEquals(Blake2s.hash(whole), out);
  }

  /** Known answers computed with Python's hmac over hashlib.blake2s, an independent implementation. */
  @Test
  void hmacMatchesRfc2104OverBlake2s() {
    byte[] message = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(HEX.parseHex("f4660dee21c6a48e2a3d695ceedc26693e37b64b5ac5227476578517ee87fe6d"),
        Blake2s.hmac(sequence(32), message));
    // A key longer than the 64-byte block is hashed first.
    assertArrayEquals(HEX.parseHex("62bc55ee982e83e9f80ff756c037bac835c4201c91817685b52396da1482a6e4"),
        Blake2s.hmac(sequence(100), message));
  }

  @Test
  void macRefusesKeysBlake2sCannotTake() {
    assertThrows(IllegalArgumentException.class, () -> Blake2s.mac(new byte[0], new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> Blake2s.mac(new byte[33], new byte[1]));
    assertEquals(Blake2s.MAC_LENGTH, Blake2s.mac(new byte[16], new byte[1]).length);
  }
}
