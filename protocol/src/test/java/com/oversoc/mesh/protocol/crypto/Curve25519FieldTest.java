package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The field arithmetic against BigInteger, with limbs drawn up to the bounds each method claims
 * to accept (the largest allowed limb included), and outputs checked against the bound each
 * method claims to return.
 */
class Curve25519FieldTest {
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  /** Exclusive limb bounds from Curve25519Field's class comment. */
  private static final long TIGHT = (1L << 51) + (1L << 13);
  private static final long LOOSE = 1L << 53;
  private static final int ROUNDS = 20_000;

  private static BigInteger value(long[] f) {
    BigInteger v = BigInteger.ZERO;
    for (int i = 4; i >= 0; i--) {
      v = v.shiftLeft(51).add(BigInteger.valueOf(f[i]));
    }
    return v;
  }

  /** Limbs below {@code bound}: often the extremes (0, bound - 1), otherwise uniform. */
  private static long[] element(SplittableRandom random, long bound) {
    long[] f = new long[5];
    for (int i = 0; i < 5; i++) {
      f[i] = switch (random.nextInt(5)) {
        case 0 -> bound - 1;
        case 1 -> 0;
        case 2 -> bound - 1 - random.nextInt(64);
        default -> random.nextLong(bound);
      };
    }
    return f;
  }

  private static void assertBelow(long bound, long[] h) {
    for (long limb : h) {
      assertTrue(limb >= 0 && limb < bound, () -> "limb " + limb + " out of bound " + bound);
    }
  }

  @Test
  void mulOfLooseIsTightAndExact() {
    SplittableRandom random = new SplittableRandom(1);
    long[] h = Curve25519Field.create();
    for (int n = 0; n < ROUNDS; n++) {
      long[] f = element(random, LOOSE);
      long[] g = element(random, LOOSE);
      Curve25519Field.mul(f, g, h);
      assertBelow(TIGHT, h);
      assertEquals(value(f).multiply(value(g)).mod(P), value(h).mod(P));
    }
  }

  @Test
  void largestLooseInputs() {
    long[] f = {LOOSE - 1, LOOSE - 1, LOOSE - 1, LOOSE - 1, LOOSE - 1};
    long[] h = Curve25519Field.create();
    Curve25519Field.mul(f, f, h);
    assertBelow(TIGHT, h);
    assertEquals(value(f).pow(2).mod(P), value(h).mod(P));
    Curve25519Field.sqr(f, h);
    assertBelow(TIGHT, h);
    assertEquals(value(f).pow(2).mod(P), value(h).mod(P));
    Curve25519Field.mulSmall(f, 121665, h);
    assertBelow(TIGHT, h);
    assertEquals(value(f).multiply(BigInteger.valueOf(121665)).mod(P), value(h).mod(P));
  }

  @Test
  void sqrOfLooseIsTightAndExact() {
    SplittableRandom random = new SplittableRandom(2);
    long[] h = Curve25519Field.create();
    for (int n = 0; n < ROUNDS; n++) {
      long[] f = element(random, LOOSE);
      Curve25519Field.sqr(f, h);
      assertBelow(TIGHT, h);
      assertEquals(value(f).pow(2).mod(P), value(h).mod(P));
    }
  }

  @Test
  void mulSmallOfLooseIsTightAndExact() {
    SplittableRandom random = new SplittableRandom(3);
    long[] h = Curve25519Field.create();
    for (int n = 0; n < ROUNDS; n++) {
      long[] f = element(random, LOOSE);
      long c = n % 3 == 0 ? 121665 : random.nextLong(1L << 20);
      Curve25519Field.mulSmall(f, c, h);
      assertBelow(TIGHT, h);
      assertEquals(value(f).multiply(BigInteger.valueOf(c)).mod(P), value(h).mod(P));
    }
  }

  @Test
  void addAndSubOfTightAreLooseAndExact() {
    SplittableRandom random = new SplittableRandom(4);
    long[] h = Curve25519Field.create();
    for (int n = 0; n < ROUNDS; n++) {
      long[] f = element(random, TIGHT);
      long[] g = element(random, TIGHT);
      Curve25519Field.add(f, g, h);
      assertBelow(LOOSE, h);
      assertEquals(value(f).add(value(g)), value(h));
      Curve25519Field.sub(f, g, h);
      assertBelow(LOOSE, h);
      assertEquals(value(f).subtract(value(g)).mod(P), value(h).mod(P));
    }
  }

  @Test
  void invertIsTheInverse() {
    SplittableRandom random = new SplittableRandom(5);
    long[] h = Curve25519Field.create();
    for (int n = 0; n < 300; n++) {
      long[] f = element(random, LOOSE);
      Curve25519Field.invert(f, h);
      assertBelow(TIGHT, h);
      BigInteger v = value(f).mod(P);
      assertEquals(v.signum() == 0 ? BigInteger.ZERO : v.modInverse(P), value(h).mod(P));
    }
  }

  /** Canonical output for every tight input, including values in [p, 2^255) and above 2^255. */
  @Test
  void encodeIsCanonical() {
    SplittableRandom random = new SplittableRandom(6);
    byte[] out = new byte[32];
    long m = (1L << 51) - 1;
    long[][] fixed = {
      {m - 18, m, m, m, m}, // p
      {m - 19, m, m, m, m}, // p - 1
      {m, m, m, m, m}, // 2^255 - 1
      {TIGHT - 1, TIGHT - 1, TIGHT - 1, TIGHT - 1, TIGHT - 1},
      {0, 0, 0, 0, 0},
      {m - 18 + 19, m, m, m, m}, // p + 19, limb 0 past 2^51
    };
    for (long[] f : fixed) {
      Curve25519Field.encode(f, out, 0);
      assertArrayEquals(littleEndian(value(f).mod(P)), out);
    }
    for (int n = 0; n < ROUNDS; n++) {
      long[] f = element(random, TIGHT);
      Curve25519Field.encode(f, out, 0);
      assertArrayEquals(littleEndian(value(f).mod(P)), out);
    }
  }

  @Test
  void decodeIgnoresBit255AndKeepsNonCanonical() {
    SplittableRandom random = new SplittableRandom(7);
    byte[] in = new byte[32];
    long[] h = Curve25519Field.create();
    for (int n = 0; n < ROUNDS; n++) {
      random.nextBytes(in);
      Curve25519Field.decode(in, 0, h);
      assertBelow(1L << 51, h);
      byte[] bigEndian = new byte[32];
      for (int i = 0; i < 32; i++) {
        bigEndian[i] = in[31 - i];
      }
      assertEquals(new BigInteger(1, bigEndian).clearBit(255), value(h));
    }
  }

  @Test
  void cswapSwapsOnlyOnOne() {
    long[] f = {1, 2, 3, 4, 5};
    long[] g = {6, 7, 8, 9, 10};
    Curve25519Field.cswap(0, f, g);
    assertArrayEquals(new long[] {1, 2, 3, 4, 5}, f);
    Curve25519Field.cswap(1, f, g);
    assertArrayEquals(new long[] {6, 7, 8, 9, 10}, f);
    assertArrayEquals(new long[] {1, 2, 3, 4, 5}, g);
  }

  private static byte[] littleEndian(BigInteger v) {
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = v.shiftRight(8 * i).byteValue();
    }
    return out;
  }
}
