package com.oversoc.mesh.protocol.crypto;

import java.util.Arrays;

/**
 * The X25519 function of RFC 7748 (section 5) for a variable base point, on the radix-2^51
 * arithmetic of {@link Curve25519Field}: the scalar clamped as decodeScalar25519, the
 * u-coordinate decoded with bit 255 ignored and non-canonical values accepted, a Montgomery
 * ladder with constant-time conditional swaps over bits 254..3, three doublings for the bits
 * clamping clears, and the inversion by a fixed addition chain. The operations, their order and
 * the memory they touch do not depend on the scalar or the u-coordinate.
 *
 * <p>Same arguments and results as BouncyCastle's {@code org.bouncycastle.math.ec.rfc7748.X25519}
 * {@code scalarMult} and {@code calculateAgreement}, which the tests compare it with. Every call
 * is independent; the methods are safe from any thread.
 */
public final class X25519 {
  /** Length of a scalar (private key). */
  public static final int SCALAR_LENGTH = 32;
  /** Length of an encoded u-coordinate (public key, shared secret). */
  public static final int POINT_LENGTH = 32;
  /** RFC 7748's a24 = (486662 - 2) / 4 for the ladder's {@code z_2 = E (AA + a24 E)}. */
  private static final long A24 = 121665;
  /** The ladder starts at bit 254, which clamping always sets. */
  private static final int TOP_BIT = 254;
  /** Clamping clears bits 2..0: a ladder step on a clear bit after the last swap only doubles. */
  private static final int CLEARED_LOW_BITS = 3;

  private X25519() {}

  /**
   * X25519(k, u) into {@code r[rOff..rOff+32)}, whatever it is: a low-order u gives 32 zero
   * bytes (use {@link #calculateAgreement} to reject it). {@code k} is clamped on a copy and
   * left unchanged; r may overlap k or u.
   */
  public static void scalarMult(byte[] k, int kOff, byte[] u, int uOff, byte[] r, int rOff) {
    long[] scalar = clampedScalar(k, kOff);
    long[] x1 = Curve25519Field.create();
    Curve25519Field.decode(u, uOff, x1);
    long[] x2 = Curve25519Field.create();
    long[] z2 = Curve25519Field.create();
    long[] x3 = Curve25519Field.create();
    long[] z3 = Curve25519Field.create();
    long[] t0 = Curve25519Field.create();
    long[] t1 = Curve25519Field.create();
    long[] t2 = Curve25519Field.create();
    long[] t3 = Curve25519Field.create();
    Curve25519Field.one(x2);
    Curve25519Field.copy(x1, x3);
    Curve25519Field.one(z3);

    // RFC 7748 section 5, each step split into its differential addition and its doubling.
    long swap = 0;
    for (int t = TOP_BIT; t >= CLEARED_LOW_BITS; t--) {
      long bit = (scalar[t >>> 6] >>> (t & 63)) & 1; // the index depends on t only
      swap ^= bit;
      Curve25519Field.cswap(swap, x2, x3);
      Curve25519Field.cswap(swap, z2, z3);
      swap = bit;
      Curve25519Field.add(x2, z2, t0); // A [loose]
      Curve25519Field.sub(x2, z2, t1); // B [loose]
      differentialAdd(x1, t0, t1, x3, z3, t2, t3);
      doubling(t0, t1, x2, z2);
    }
    Curve25519Field.cswap(swap, x2, x3);
    Curve25519Field.cswap(swap, z2, z3);
    for (int i = 0; i < CLEARED_LOW_BITS; i++) {
      Curve25519Field.add(x2, z2, t0);
      Curve25519Field.sub(x2, z2, t1);
      doubling(t0, t1, x2, z2);
    }

    Curve25519Field.invert(z2, z2);
    Curve25519Field.mul(x2, z2, x2);
    Curve25519Field.encode(x2, r, rOff);
    Arrays.fill(scalar, 0);
  }

  /**
   * (x3 : z3) = P2 + P3, knowing P3 - P2 = (x1 : 1), from {@code a = x2 + z2} and
   * {@code b = x2 - z2}: RFC 7748's C, D, DA, CB, x_3 and z_3. Leaves a and b; c and d are
   * scratch. Bounds (Curve25519Field) in brackets.
   */
  private static void differentialAdd(
      long[] x1, long[] a, long[] b, long[] x3, long[] z3, long[] c, long[] d) {
    Curve25519Field.add(x3, z3, c); // C [loose]
    Curve25519Field.sub(x3, z3, d); // D [loose]
    Curve25519Field.mul(d, a, d); // DA [tight]
    Curve25519Field.mul(c, b, c); // CB [tight]
    Curve25519Field.add(d, c, x3);
    Curve25519Field.sqr(x3, x3); // x3 = (DA + CB)^2 [tight]
    Curve25519Field.sub(d, c, z3);
    Curve25519Field.sqr(z3, z3);
    Curve25519Field.mul(z3, x1, z3); // z3 = x1 (DA - CB)^2 [tight]
  }

  /**
   * (x2 : z2) = 2 P2 from {@code a = x2 + z2} and {@code b = x2 - z2}: RFC 7748's AA, BB, E,
   * x_2 and z_2. Overwrites a and b.
   */
  private static void doubling(long[] a, long[] b, long[] x2, long[] z2) {
    Curve25519Field.sqr(a, a); // AA [tight]
    Curve25519Field.sqr(b, b); // BB [tight]
    Curve25519Field.mul(a, b, x2); // x2 = AA BB [tight]
    Curve25519Field.sub(a, b, b); // E = AA - BB [loose]
    Curve25519Field.mulSmall(b, A24, z2); // a24 E [tight]
    Curve25519Field.add(z2, a, z2); // AA + a24 E [loose]
    Curve25519Field.mul(b, z2, z2); // z2 = E (AA + a24 E) [tight]
  }

  /**
   * X25519(k, u) into {@code r[rOff..rOff+32)}; false when the result is all zeros, which
   * happens exactly when u is a point of small order (RFC 7748 section 6.1 lets a party abort
   * then). The zero check reads all 32 bytes whatever they are.
   */
  public static boolean calculateAgreement(byte[] k, int kOff, byte[] u, int uOff, byte[] r, int rOff) {
    scalarMult(k, kOff, u, uOff, r, rOff);
    int any = 0;
    for (int i = 0; i < POINT_LENGTH; i++) {
      any |= r[rOff + i];
    }
    return any != 0;
  }

  /** decodeScalar25519 of RFC 7748 into four little-endian words, on a copy. */
  private static long[] clampedScalar(byte[] k, int kOff) {
    long[] s = new long[4];
    for (int i = 0; i < SCALAR_LENGTH; i++) {
      s[i >>> 3] |= (k[kOff + i] & 0xFFL) << (8 * (i & 7));
    }
    s[0] &= ~7L;
    s[3] &= Long.MAX_VALUE;
    s[3] |= 1L << 62;
    return s;
  }
}
