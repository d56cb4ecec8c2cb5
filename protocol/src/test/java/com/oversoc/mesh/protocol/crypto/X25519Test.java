package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class X25519Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  private static byte[] x25519(byte[] k, byte[] u) {
    byte[] r = new byte[32];
    X25519.scalarMult(k, 0, u, 0, r, 0);
    return r;
  }

  private static byte[] bouncyCastle(byte[] k, byte[] u) {
    byte[] r = new byte[32];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(k, 0, u, 0, r, 0);
    return r;
  }

  /** 32 little-endian bytes of {@code v mod 2^256}. */
  private static byte[] littleEndian(BigInteger v) {
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = v.shiftRight(8 * i).byteValue();
    }
    return out;
  }

  /** RFC 7748 section 5.2, the two single-call vectors (the second has a non-canonical u). */
  @Test
  void rfc7748SingleVectors() {
    assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        HEX.formatHex(x25519(
            HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
            HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))));
    assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        HEX.formatHex(x25519(
            HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
            HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))));
  }

  /** RFC 7748 section 5.2: k, u = X25519(k, u), k iterated from k = u = 9. */
  @Test
  void rfc7748IterationsOneAndOneThousand() {
    byte[] k = new byte[32];
    byte[] u = new byte[32];
    k[0] = 9;
    u[0] = 9;
    for (int i = 1; i <= 1000; i++) {
      byte[] r = x25519(k, u);
      u = k;
      k = r;
      if (i == 1) {
        assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", HEX.formatHex(k));
      }
    }
    assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", HEX.formatHex(k));
  }

  /**
   * RFC 7748 section 5.2's 1,000,000 iterations (about 35 s): a hand-written field arithmetic is
   * worth the longest known answer there is, in every build.
   */
  @Test
  void rfc7748OneMillionIterations() {
    byte[] k = new byte[32];
    byte[] u = new byte[32];
    k[0] = 9;
    u[0] = 9;
    for (int i = 0; i < 1_000_000; i++) {
      byte[] r = x25519(k, u);
      u = k;
      k = r;
    }
    assertEquals("7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424", HEX.formatHex(k));
  }

  /** RFC 7748 section 6.1: both public keys from the base point, and the shared secret both ways. */
  @Test
  void rfc7748DiffieHellman() {
    byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] nine = new byte[32];
    nine[0] = 9;
    byte[] alicePublic = x25519(alice, nine);
    byte[] bobPublic = x25519(bob, nine);
    assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", HEX.formatHex(alicePublic));
    assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", HEX.formatHex(bobPublic));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    byte[] r = new byte[32];
    assertTrue(X25519.calculateAgreement(alice, 0, bobPublic, 0, r, 0));
    assertEquals(shared, HEX.formatHex(r));
    assertTrue(X25519.calculateAgreement(bob, 0, alicePublic, 0, r, 0));
    assertEquals(shared, HEX.formatHex(r));
  }

  /**
   * u-coordinates that stress the decoder and the limbs: 0..18 plus p (non-canonical, some of
   * them low order), p - 1, values next to 2^51 limb boundaries, 2^255 - 1, all ones (bit 255
   * set), and each of those with bit 255 flipped.
   */
  private static List<byte[]> edgeCoordinates() {
    List<BigInteger> values = new ArrayList<>();
    for (int i = 0; i < 19; i++) {
      values.add(BigInteger.valueOf(i));
      values.add(P.add(BigInteger.valueOf(i)));
      values.add(P.subtract(BigInteger.valueOf(i + 1)));
    }
    values.add(BigInteger.TWO.pow(255).subtract(BigInteger.ONE));
    values.add(BigInteger.TWO.pow(256).subtract(BigInteger.ONE));
    for (int limb = 1; limb < 5; limb++) {
      BigInteger boundary = BigInteger.TWO.pow(51 * limb);
      values.add(boundary);
      values.add(boundary.subtract(BigInteger.ONE));
      values.add(boundary.add(BigInteger.ONE));
    }
    BigInteger allLimbsFull = BigInteger.ZERO;
    for (int limb = 0; limb < 5; limb++) {
      allLimbsFull = allLimbsFull.add(BigInteger.TWO.pow(51).subtract(BigInteger.ONE).shiftLeft(51 * limb));
      values.add(BigInteger.TWO.pow(51).subtract(BigInteger.ONE).shiftLeft(51 * limb));
    }
    values.add(allLimbsFull);
    List<byte[]> out = new ArrayList<>();
    for (BigInteger v : values) {
      byte[] b = littleEndian(v);
      out.add(b);
      byte[] flipped = b.clone();
      flipped[31] ^= (byte) 0x80;
      out.add(flipped);
    }
    return out;
  }

  @Test
  void edgeCoordinatesMatchBouncyCastle() {
    SplittableRandom random = new SplittableRandom(7);
    for (byte[] u : edgeCoordinates()) {
      for (int i = 0; i < 4; i++) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        assertArrayEquals(bouncyCastle(k, u), x25519(k, u), () -> "u = " + HEX.formatHex(u));
      }
    }
  }

  /**
   * 12,000 random pairs: a quarter uniform 32-byte strings (half with bit 255 set), a quarter
   * real public keys, a quarter non-canonical ({@code p <= u < 2^255}, or an edge value, with bit
   * 255 either way), a quarter built from limbs that are 0, 1, 2^51 - 1 or random. Scalars are
   * random, with some all-zero and all-ones ones.
   */
  @Test
  void randomPairsMatchBouncyCastle() {
    SplittableRandom random = new SplittableRandom(2024);
    List<byte[]> edges = edgeCoordinates();
    for (int n = 0; n < 12_000; n++) {
      byte[] k = new byte[32];
      switch (n % 50) {
        case 0 -> {} // all zeros: clamping leaves 2^254
        case 1 -> Arrays.fill(k, (byte) 0xFF);
        default -> random.nextBytes(k);
      }
      byte[] u = new byte[32];
      switch (n % 4) {
        case 0 -> random.nextBytes(u);
        case 1 -> {
          byte[] other = new byte[32];
          random.nextBytes(other);
          org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(other, 0, u, 0);
        }
        case 2 -> {
          u = random.nextBoolean()
              ? littleEndian(P.add(BigInteger.valueOf(random.nextInt(19))))
              : edges.get(random.nextInt(edges.size())).clone();
          if (random.nextBoolean()) {
            u[31] ^= (byte) 0x80;
          }
        }
        default -> {
          BigInteger v = BigInteger.ZERO;
          for (int limb = 0; limb < 5; limb++) {
            long l = switch (random.nextInt(4)) {
              case 0 -> 0;
              case 1 -> 1;
              case 2 -> (1L << 51) - 1;
              default -> random.nextLong() & ((1L << 51) - 1);
            };
            v = v.add(BigInteger.valueOf(l).shiftLeft(51 * limb));
          }
          u = littleEndian(v);
        }
      }
      byte[] expected = bouncyCastle(k, u);
      byte[] actual = x25519(k, u);
      if (!Arrays.equals(expected, actual)) {
        throw new AssertionError("k = " + HEX.formatHex(k) + ", u = " + HEX.formatHex(u)
            + ": BouncyCastle " + HEX.formatHex(expected) + ", ours " + HEX.formatHex(actual));
      }
    }
  }

  /**
   * The u-coordinates of the points of order 1, 2, 4 and 8 (libsodium's list: 0, 1, two of order
   * 8, p - 1, and the non-canonical p and p + 1), each also with bit 255 set: the result is all
   * zeros and {@code calculateAgreement} says so, as BouncyCastle's does.
   */
  @Test
  void lowOrderPointsGiveZeroAndAreReported() {
    List<BigInteger> lowOrder = List.of(
        BigInteger.ZERO,
        BigInteger.ONE,
        new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504"),
        new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823"),
        P.subtract(BigInteger.ONE),
        P,
        P.add(BigInteger.ONE));
    SplittableRandom random = new SplittableRandom(11);
    for (BigInteger v : lowOrder) {
      for (BigInteger u : List.of(v, v.setBit(255))) {
        byte[] encoded = littleEndian(u);
        for (int i = 0; i < 8; i++) {
          byte[] k = new byte[32];
          random.nextBytes(k);
          byte[] r = new byte[32];
          Arrays.fill(r, (byte) 0x55);
          boolean ours = X25519.calculateAgreement(k, 0, encoded, 0, r, 0);
          byte[] bc = new byte[32];
          boolean theirs =
              org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(k, 0, encoded, 0, bc, 0);
          String hex = HEX.formatHex(encoded);
          assertFalse(ours, hex);
          assertFalse(theirs, hex);
          assertArrayEquals(new byte[32], r, hex);
        }
      }
    }
  }

  @Test
  void offsetsAndOverlapAndTheScalarIsNotModified() {
    SplittableRandom random = new SplittableRandom(5);
    byte[] k = new byte[32];
    byte[] u = new byte[32];
    random.nextBytes(k);
    random.nextBytes(u);
    byte[] expected = bouncyCastle(k, u);
    byte[] kCopy = k.clone();

    byte[] buffer = new byte[3 + 32 + 32 + 32];
    System.arraycopy(k, 0, buffer, 3, 32);
    System.arraycopy(u, 0, buffer, 35, 32);
    X25519.scalarMult(buffer, 3, buffer, 35, buffer, 67);
    assertArrayEquals(expected, Arrays.copyOfRange(buffer, 67, 99));

    byte[] inPlace = u.clone();
    X25519.scalarMult(k, 0, inPlace, 0, inPlace, 0);
    assertArrayEquals(expected, inPlace);
    assertArrayEquals(kCopy, k);
  }
}
