package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Tai64nTest {
  @Test
  void encodesTheUnixEpochAsTai64Label() {
    assertEquals("400000000000000a00000000", HexFormat.of().formatHex(Tai64n.of(Instant.EPOCH).encode()));
    Tai64n t = Tai64n.of(Instant.parse("2026-01-01T00:00:00.5Z"));
    assertEquals(t, Tai64n.decode(t.encode(), 0));
  }

  @Test
  void whitensNanosecondsToAbout17Milliseconds() {
    Tai64n a = Tai64n.of(Instant.ofEpochSecond(1000, 1_000));
    Tai64n b = Tai64n.of(Instant.ofEpochSecond(1000, 16_000_000));
    assertEquals(a, b);
    assertTrue(Tai64n.of(Instant.ofEpochSecond(1000, 17_000_000)).isAfter(a));
  }

  @Test
  void ordersBySecondsThenNanoseconds() {
    Tai64n early = Tai64n.of(Instant.ofEpochSecond(5, 900_000_000));
    Tai64n late = Tai64n.of(Instant.ofEpochSecond(6, 0));
    assertTrue(late.isAfter(early));
    assertFalse(early.isAfter(late));
    assertFalse(late.isAfter(late));
    assertTrue(early.isAfter(Tai64n.ZERO));
  }

  @Test
  void refusesNanosecondsOutOfRange() {
    byte[] raw = new byte[12];
    raw[8] = (byte) 0xff;
    assertThrows(IllegalArgumentException.class, () -> Tai64n.decode(raw, 0));
  }
}
