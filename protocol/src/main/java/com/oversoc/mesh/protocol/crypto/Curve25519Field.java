package com.oversoc.mesh.protocol.crypto;

/**
 * Arithmetic in GF(p), p = 2^255 - 19, for {@link X25519}. An element is five non-negative
 * {@code long} limbs {@code h[0..4]} in radix 2^51, value {@code sum h[i] 2^(51 i)}, not
 * necessarily reduced.
 *
 * <h2>Constant time</h2>
 *
 * No branch, no array index and no loop bound depends on an element's value. The floating-point
 * operations used by {@link #mul} and {@link #sqr} only ever see non-negative integers below
 * 2^114 (no subnormals, no NaN, no infinity), for which scalar double add, multiply and the
 * long-to-double conversion take a fixed time on current x86-64 and AArch64 cores. Java forbids
 * fusing {@code a * b + c} into an FMA, so the rounding analysis below holds on every JVM.
 *
 * <h2>Limb bounds</h2>
 *
 * Each method states which bound it accepts and which it returns:
 *
 * <ul>
 *   <li><b>tight</b>: every limb {@code < 2^51 + 2^13}. {@link #mul}, {@link #sqr},
 *       {@link #mulSmall}, {@link #invert}, {@link #decode}, {@link #one} return tight elements.
 *   <li><b>loose</b>: every limb {@code < 2^53}. {@link #add} and {@link #sub} of two tight
 *       elements return loose ones.
 * </ul>
 *
 * {@link #mul} and {@link #sqr} accept loose inputs, so the ladder never carries after an
 * addition or a subtraction.
 *
 * <h2>Products: exact low word, floating-point estimate of the rest</h2>
 *
 * Column k of a product, the exact integer {@code S_k = sum f[i] g[j]} over {@code i + j = k}
 * plus {@code 19 f[i] g[j]} over {@code i + j = k + 5} (2^255 = 19 mod p), needs up to 113 bits
 * and Java has no 128-bit integer. The two halves the carry needs are obtained separately:
 *
 * <ol>
 *   <li>{@code w = S_k mod 2^64}, exactly, from wrapping {@code long} multiplications and
 *       additions (one {@code imul} per limb product). Its low 51 bits are the new limb; its top
 *       13 bits are {@code floor(S_k / 2^51) mod 2^13}.
 *   <li>{@code d}, the same sum in {@code double} arithmetic. Limbs below 2^53 convert exactly,
 *       and each column's rounding errors add up to less than {@code 460 * 2^53 < 2^61.9} (the
 *       worst column is derived in {@link #mul}). Rounding {@code d} to a multiple of 2^62
 *       ({@link #carry}) adds at most 2^61, so {@code e = round(d / 2^62) 2^11} is within
 *       {@code 1840 + 1024 < 2^12 - 1} of {@code S_k / 2^51}.
 * </ol>
 *
 * The carry {@code c = floor(S_k / 2^51)} is then the only integer within 2^12 of {@code e}
 * whose low 13 bits are {@code w >>> 51}: {@code c = e + signExtend13((w >>> 51) - e)}. The
 * multiplier does 25 (15 for a square) limb multiplications and the floating-point unit as many
 * more in parallel, where a 128-bit {@code Math.multiplyHigh} scheme needs 50 integer
 * multiplications; BouncyCastle's radix 2^25.5 needs 84.
 *
 * <h2>Inlining</h2>
 *
 * {@link #mul} and {@link #sqr} are each split into an integer half and a floating-point half
 * ({@link #finishMul}, {@link #finishSqr}) of under 325 bytecodes each, the size up to which C2
 * inlines a hot callee, so a caller that runs several of them in a row (X25519's ladder steps)
 * compiles into one straight block without calls.
 */
final class Curve25519Field {
  /** Limbs per element. */
  static final int LIMBS = 5;
  /** Bits per limb. */
  static final int RADIX_BITS = 51;
  static final long MASK51 = (1L << RADIX_BITS) - 1;
  /** 2^255 = 19 (mod p): what a carry out of the top limb is worth in the bottom one. */
  private static final long FOLD = 19;
  private static final double FOLD_D = 19.0;
  /**
   * Adding 2^114 to a column estimate {@code 0 <= d < 2^113} leaves a double whose 52 mantissa
   * bits are {@code round(d / 2^62)}: its exponent is fixed at 114, so its unit in the last place
   * is 2^62.
   */
  private static final double ROUND_TO_2_62 = 0x1p114;
  /** 2p in radix 2^51, added before subtracting so that limbs stay non-negative. */
  private static final long TWO_P_0 = (1L << 52) - 38;
  private static final long TWO_P_1234 = (1L << 52) - 2;

  private Curve25519Field() {}

  static long[] create() {
    return new long[LIMBS];
  }

  static void one(long[] h) {
    h[0] = 1;
    h[1] = 0;
    h[2] = 0;
    h[3] = 0;
    h[4] = 0;
  }

  static void copy(long[] f, long[] h) {
    h[0] = f[0];
    h[1] = f[1];
    h[2] = f[2];
    h[3] = f[3];
    h[4] = f[4];
  }

  /**
   * h = f + g limb by limb, no carry. f and g tight, h loose: {@code 2 (2^51 + 2^13) < 2^53}. h
   * may alias f or g.
   */
  static void add(long[] f, long[] g, long[] h) {
    h[0] = f[0] + g[0];
    h[1] = f[1] + g[1];
    h[2] = f[2] + g[2];
    h[3] = f[3] + g[3];
    h[4] = f[4] + g[4];
  }

  /**
   * h = f + 2p - g limb by limb, no carry. f and g tight: every limb of g is then below
   * {@code 2^51 + 2^13 < 2^52 - 38}, the smallest limb of 2p, so no limb goes negative, and every
   * limb of h is below {@code 2^51 + 2^13 + 2^52 < 2^53} (loose). h may alias f or g.
   */
  static void sub(long[] f, long[] g, long[] h) {
    h[0] = f[0] + TWO_P_0 - g[0];
    h[1] = f[1] + TWO_P_1234 - g[1];
    h[2] = f[2] + TWO_P_1234 - g[2];
    h[3] = f[3] + TWO_P_1234 - g[3];
    h[4] = f[4] + TWO_P_1234 - g[4];
  }

  /**
   * h = f g mod p. f and g loose, h tight. h may alias f or g.
   *
   * <p>Every limb product is below 2^106. Counting a 19 as 19 products, the columns hold 77, 59,
   * 41, 23 and 5 of them, so {@code S_0 < 77 * 2^106 < 2^112.3} is the largest. Its estimate,
   * {@code 19 (((a1 b4 + a2 b3) + a3 b2) + a4 b1) + a0 b0} in doubles ({@code u = 2^-53}):
   * the inner dot product errs by at most {@code 4u * 4 * 2^106 = 16 * 2^53}, 304 * 2^53 once
   * multiplied by 19; rounding that product adds {@code u * 19 * 4 * 2^106 = 76 * 2^53},
   * rounding {@code a0 b0} adds 2^53 and the last addition {@code u * 77 * 2^106 = 77 * 2^53}:
   * {@code 458 * 2^53} in all. The other columns, and those of {@link #sqr}, come to at most
   * {@code 306 * 2^53}.
   */
  static void mul(long[] f, long[] g, long[] h) {
    long f0 = f[0];
    long f1 = f[1];
    long f2 = f[2];
    long f3 = f[3];
    long f4 = f[4];
    long g0 = g[0];
    long g1 = g[1];
    long g2 = g[2];
    long g3 = g[3];
    long g4 = g[4];
    long f1x19 = f1 * FOLD;
    long f2x19 = f2 * FOLD;
    long f3x19 = f3 * FOLD;
    long f4x19 = f4 * FOLD;
    // Each column mod 2^64; the wrap-around is intended.
    long w0 = f0 * g0 + f1x19 * g4 + f2x19 * g3 + f3x19 * g2 + f4x19 * g1;
    long w1 = f0 * g1 + f1 * g0 + f2x19 * g4 + f3x19 * g3 + f4x19 * g2;
    long w2 = f0 * g2 + f1 * g1 + f2 * g0 + f3x19 * g4 + f4x19 * g3;
    long w3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4x19 * g4;
    long w4 = f0 * g4 + f1 * g3 + f2 * g2 + f3 * g1 + f4 * g0;
    finishMul(w0, w1, w2, w3, w4, f, g, h);
  }

  /** The floating-point estimates of {@link #mul}'s columns, then the carry. */
  private static void finishMul(long w0, long w1, long w2, long w3, long w4, long[] f, long[] g, long[] h) {
    double a0 = f[0];
    double a1 = f[1];
    double a2 = f[2];
    double a3 = f[3];
    double a4 = f[4];
    double b0 = g[0];
    double b1 = g[1];
    double b2 = g[2];
    double b3 = g[3];
    double b4 = g[4];
    double d0 = FOLD_D * (a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1) + a0 * b0;
    double d1 = FOLD_D * (a2 * b4 + a3 * b3 + a4 * b2) + (a0 * b1 + a1 * b0);
    double d2 = FOLD_D * (a3 * b4 + a4 * b3) + (a0 * b2 + a1 * b1 + a2 * b0);
    double d3 = FOLD_D * (a4 * b4) + (a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0);
    double d4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
    carry(w0, d0, w1, d1, w2, d2, w3, d3, w4, d4, h);
  }

  /**
   * h = f^2 mod p. f loose, h tight. h may alias f. {@link #mul}'s columns with the symmetric
   * products merged ({@code 2 f[i] f[j]}) and the folds doubled to 38 where they meet; the
   * doublings by 2 are exact in both integer and floating point.
   */
  static void sqr(long[] f, long[] h) {
    long f0 = f[0];
    long f1 = f[1];
    long f2 = f[2];
    long f3 = f[3];
    long f4 = f[4];
    long f0x2 = f0 << 1;
    long f1x2 = f1 << 1;
    long f1x38 = f1 * (2 * FOLD);
    long f2x38 = f2 * (2 * FOLD);
    long f3x38 = f3 * (2 * FOLD);
    long f3x19 = f3 * FOLD;
    long f4x19 = f4 * FOLD;
    long w0 = f0 * f0 + f1x38 * f4 + f2x38 * f3;
    long w1 = f0x2 * f1 + f2x38 * f4 + f3x19 * f3;
    long w2 = f0x2 * f2 + f1 * f1 + f3x38 * f4;
    long w3 = f0x2 * f3 + f1x2 * f2 + f4x19 * f4;
    long w4 = f0x2 * f4 + f1x2 * f3 + f2 * f2;
    finishSqr(w0, w1, w2, w3, w4, f, h);
  }

  /** The floating-point estimates of {@link #sqr}'s columns, then the carry. */
  private static void finishSqr(long w0, long w1, long w2, long w3, long w4, long[] f, long[] h) {
    double a0 = f[0];
    double a1 = f[1];
    double a2 = f[2];
    double a3 = f[3];
    double a4 = f[4];
    double d0 = 2 * FOLD_D * (a1 * a4 + a2 * a3) + a0 * a0;
    double d1 = FOLD_D * (2 * a2 * a4 + a3 * a3) + 2 * a0 * a1;
    double d2 = 2 * FOLD_D * (a3 * a4) + (2 * a0 * a2 + a1 * a1);
    double d3 = FOLD_D * (a4 * a4) + 2 * (a0 * a3 + a1 * a2);
    double d4 = 2 * (a0 * a4 + a1 * a3) + a2 * a2;
    carry(w0, d0, w1, d1, w2, d2, w3, d3, w4, d4, h);
  }

  /** h = f^(2^n) mod p, n >= 1. f loose, h tight. h may alias f. */
  static void sqrN(long[] f, int n, long[] h) {
    sqr(f, h);
    for (int i = 1; i < n; i++) {
      sqr(h, h);
    }
  }

  /**
   * Five columns, each given as {@code w = S mod 2^64} and an estimate {@code d} of {@code S}
   * (class comment), into a tight h, in two rounds that have no chain from limb to limb.
   *
   * <ol>
   *   <li>{@code c_k = floor(S_k / 2^51)} is below {@code 77 * 2^55 < 2^61.3} (column 0) down to
   *       {@code 5 * 2^55} (column 4); {@code t_k = (S_k mod 2^51) + c_(k-1)}, and
   *       {@code t_0 = (S_0 mod 2^51) + 19 c_4 < 2^51 + 95 * 2^55 < 2^61.6}.
   *   <li>{@code h_k = (t_k mod 2^51) + (t_(k-1) >>> 51)} and
   *       {@code h_0 = (t_0 mod 2^51) + 19 (t_4 >>> 51)}. The largest addend is
   *       {@code 19 * (23 * 16 + 1) = 7011 < 2^13}: h is tight.
   * </ol>
   */
  private static void carry(
      long w0, double d0, long w1, double d1, long w2, double d2, long w3, double d3, long w4, double d4,
      long[] h) {
    long e0 = (Double.doubleToRawLongBits(d0 + ROUND_TO_2_62) << 12) >>> 1;
    long e1 = (Double.doubleToRawLongBits(d1 + ROUND_TO_2_62) << 12) >>> 1;
    long e2 = (Double.doubleToRawLongBits(d2 + ROUND_TO_2_62) << 12) >>> 1;
    long e3 = (Double.doubleToRawLongBits(d3 + ROUND_TO_2_62) << 12) >>> 1;
    long e4 = (Double.doubleToRawLongBits(d4 + ROUND_TO_2_62) << 12) >>> 1;
    long c0 = e0 + ((((w0 >>> RADIX_BITS) - e0) << RADIX_BITS) >> RADIX_BITS);
    long c1 = e1 + ((((w1 >>> RADIX_BITS) - e1) << RADIX_BITS) >> RADIX_BITS);
    long c2 = e2 + ((((w2 >>> RADIX_BITS) - e2) << RADIX_BITS) >> RADIX_BITS);
    long c3 = e3 + ((((w3 >>> RADIX_BITS) - e3) << RADIX_BITS) >> RADIX_BITS);
    long c4 = e4 + ((((w4 >>> RADIX_BITS) - e4) << RADIX_BITS) >> RADIX_BITS);
    long t0 = (w0 & MASK51) + c4 * FOLD;
    long t1 = (w1 & MASK51) + c0;
    long t2 = (w2 & MASK51) + c1;
    long t3 = (w3 & MASK51) + c2;
    long t4 = (w4 & MASK51) + c3;
    h[0] = (t0 & MASK51) + (t4 >>> RADIX_BITS) * FOLD;
    h[1] = (t1 & MASK51) + (t0 >>> RADIX_BITS);
    h[2] = (t2 & MASK51) + (t1 >>> RADIX_BITS);
    h[3] = (t3 & MASK51) + (t2 >>> RADIX_BITS);
    h[4] = (t4 & MASK51) + (t3 >>> RADIX_BITS);
  }

  /**
   * h = c f mod p for a constant {@code 0 <= c < 2^20}. f loose, h tight. h may alias f.
   *
   * <p>{@code f[i] c < 2^73}: its low 51 bits are those of the wrapped {@code long} product, its
   * bits 51 and up are {@code Math.multiplyHigh(f[i], c << 13) < 2^22} (operands below 2^53 and
   * 2^33, so the signed high word is the unsigned one). Each masked limb plus the carry in is
   * below {@code 2^51 + 2^22 + 1}, so every carry is {@code <= 2^22 + 1}; folded into limb 0 as
   * {@code 19 c < 2^26.3}, it leaves a carry of at most 1 for limb 1: every limb is
   * {@code <= 2^51} (tight).
   */
  static void mulSmall(long[] f, long c, long[] h) {
    long cs = c << (64 - RADIX_BITS);
    long f0 = f[0];
    long f1 = f[1];
    long f2 = f[2];
    long f3 = f[3];
    long f4 = f[4];
    long r0 = (f0 * c) & MASK51;
    long carry = Math.multiplyHigh(f0, cs);
    long r1 = ((f1 * c) & MASK51) + carry;
    carry = Math.multiplyHigh(f1, cs) + (r1 >>> RADIX_BITS);
    r1 &= MASK51;
    long r2 = ((f2 * c) & MASK51) + carry;
    carry = Math.multiplyHigh(f2, cs) + (r2 >>> RADIX_BITS);
    r2 &= MASK51;
    long r3 = ((f3 * c) & MASK51) + carry;
    carry = Math.multiplyHigh(f3, cs) + (r3 >>> RADIX_BITS);
    r3 &= MASK51;
    long r4 = ((f4 * c) & MASK51) + carry;
    carry = Math.multiplyHigh(f4, cs) + (r4 >>> RADIX_BITS);
    r4 &= MASK51;
    r0 += carry * FOLD;
    r1 += r0 >>> RADIX_BITS;
    r0 &= MASK51;
    h[0] = r0;
    h[1] = r1;
    h[2] = r2;
    h[3] = r3;
    h[4] = r4;
  }

  /**
   * h = f^(p-2) = 1/f mod p (0 for f = 0), by the fixed addition chain of ref10 for
   * {@code 2^255 - 21}: 254 squarings and 11 multiplications whatever f is. f loose, h tight.
   * h may alias f.
   */
  static void invert(long[] f, long[] h) {
    long[] z2 = create();
    long[] z9 = create();
    long[] z11 = create();
    long[] t = create();
    long[] u = create();
    sqr(f, z2); // 2
    sqrN(z2, 2, t); // 8
    mul(t, f, z9); // 9
    mul(z9, z2, z11); // 11
    sqr(z11, t); // 22
    mul(t, z9, t); // 2^5 - 1
    sqrN(t, 5, u);
    mul(u, t, t); // 2^10 - 1
    sqrN(t, 10, u);
    mul(u, t, u); // 2^20 - 1
    long[] v = create();
    sqrN(u, 20, v);
    mul(v, u, v); // 2^40 - 1
    sqrN(v, 10, v);
    mul(v, t, t); // 2^50 - 1
    sqrN(t, 50, u);
    mul(u, t, u); // 2^100 - 1
    sqrN(u, 100, v);
    mul(v, u, v); // 2^200 - 1
    sqrN(v, 50, v);
    mul(v, t, v); // 2^250 - 1
    sqrN(v, 5, v); // 2^255 - 2^5
    mul(v, z11, h); // 2^255 - 21
  }

  /**
   * Constant-time conditional swap: exchanges f and g when {@code swap == 1}, leaves them when
   * {@code swap == 0}; any other value is a caller bug. The mask is all ones or all zeros and
   * both arrays are read and written either way.
   */
  static void cswap(long swap, long[] f, long[] g) {
    long mask = -swap;
    for (int i = 0; i < LIMBS; i++) {
      long x = mask & (f[i] ^ g[i]);
      f[i] ^= x;
      g[i] ^= x;
    }
  }

  /**
   * Decodes 32 little-endian bytes as RFC 7748's decodeUCoordinate: bit 255 is ignored, and
   * non-canonical values {@code p <= u < 2^255} are kept as they are (the arithmetic is mod p
   * anyway). The result has limbs {@code < 2^51} (tight).
   */
  static void decode(byte[] in, int offset, long[] h) {
    long w0 = readLong(in, offset);
    long w1 = readLong(in, offset + 8);
    long w2 = readLong(in, offset + 16);
    long w3 = readLong(in, offset + 24);
    h[0] = w0 & MASK51;
    h[1] = ((w0 >>> 51) | (w1 << 13)) & MASK51;
    h[2] = ((w1 >>> 38) | (w2 << 26)) & MASK51;
    h[3] = ((w2 >>> 25) | (w3 << 39)) & MASK51;
    h[4] = (w3 >>> 12) & MASK51; // drops bit 255
  }

  /**
   * Encodes f (tight) as the canonical 32 little-endian bytes of {@code f mod p}.
   *
   * <p>Two carry passes leave every limb below 2^51 and the value below 2^255: a tight value is
   * below {@code 2^255 + 2^218}, so if the first pass's top carry is 1 the value left is below
   * {@code 2^218 + 19} and the second pass's top carry is 0; if it is 0 the limbs were already
   * masked and the second pass changes nothing. Then {@code v >= p} exactly when
   * {@code v + 19 >= 2^255}: that carry q (0 or 1) is computed without branching, and adding
   * {@code 19 q} and dropping bit 255 subtracts {@code q p}.
   */
  static void encode(long[] f, byte[] out, int offset) {
    long h0 = f[0];
    long h1 = f[1];
    long h2 = f[2];
    long h3 = f[3];
    long h4 = f[4];
    for (int pass = 0; pass < 2; pass++) {
      h1 += h0 >>> RADIX_BITS;
      h0 &= MASK51;
      h2 += h1 >>> RADIX_BITS;
      h1 &= MASK51;
      h3 += h2 >>> RADIX_BITS;
      h2 &= MASK51;
      h4 += h3 >>> RADIX_BITS;
      h3 &= MASK51;
      h0 += (h4 >>> RADIX_BITS) * FOLD;
      h4 &= MASK51;
    }
    long q = (h0 + FOLD) >>> RADIX_BITS;
    q = (h1 + q) >>> RADIX_BITS;
    q = (h2 + q) >>> RADIX_BITS;
    q = (h3 + q) >>> RADIX_BITS;
    q = (h4 + q) >>> RADIX_BITS;
    h0 += FOLD * q;
    h1 += h0 >>> RADIX_BITS;
    h0 &= MASK51;
    h2 += h1 >>> RADIX_BITS;
    h1 &= MASK51;
    h3 += h2 >>> RADIX_BITS;
    h2 &= MASK51;
    h4 += h3 >>> RADIX_BITS;
    h3 &= MASK51;
    h4 &= MASK51;
    writeLong(out, offset, h0 | (h1 << 51));
    writeLong(out, offset + 8, (h1 >>> 13) | (h2 << 38));
    writeLong(out, offset + 16, (h2 >>> 26) | (h3 << 25));
    writeLong(out, offset + 24, (h3 >>> 39) | (h4 << 12));
  }

  private static long readLong(byte[] in, int offset) {
    long w = 0;
    for (int i = 7; i >= 0; i--) {
      w = (w << 8) | (in[offset + i] & 0xFFL);
    }
    return w;
  }

  private static void writeLong(byte[] out, int offset, long w) {
    for (int i = 0; i < 8; i++) {
      out[offset + i] = (byte) (w >>> (8 * i));
    }
  }
}
