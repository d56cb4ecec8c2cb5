package com.oversoc.mesh.protocol.crypto;

import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03): ChaCha20-Poly1305 with a 24-byte nonce, safe
 * to pick at random. WireGuard encrypts its cookie replies with it. The subkey comes from
 * HChaCha20 over the first 16 nonce bytes; the remaining 8 bytes become the inner nonce, which
 * in {@link ChaCha20Poly1305}'s layout is the counter they encode in little-endian order.
 */
public final class XChaCha20Poly1305 {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 24;
  public static final int TAG_LENGTH = ChaCha20Poly1305.TAG_LENGTH;

  private static final int HCHACHA_NONCE_LENGTH = 16;

  private XChaCha20Poly1305() {}

  /** Encrypts {@code plaintext}; returns ciphertext followed by the 16-byte tag. */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] ad, byte[] plaintext) {
    ChaCha20Poly1305 inner = inner(key, nonce);
    try {
      return inner.seal(innerCounter(nonce), ad, plaintext);
    } finally {
      inner.destroy();
    }
  }

  /**
   * Authenticates and decrypts {@code ciphertext} (with its tag).
   *
   * @throws AEADBadTagException if the tag does not verify
   */
  public static byte[] open(byte[] key, byte[] nonce, byte[] ad, byte[] ciphertext) throws AEADBadTagException {
    ChaCha20Poly1305 inner = inner(key, nonce);
    try {
      return inner.open(innerCounter(nonce), ad, ciphertext);
    } finally {
      inner.destroy();
    }
  }

  private static ChaCha20Poly1305 inner(byte[] key, byte[] nonce) {
    if (key == null || key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("an XChaCha20-Poly1305 key is 32 bytes");
    }
    if (nonce == null || nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("an XChaCha20-Poly1305 nonce is 24 bytes");
    }
    byte[] subkey = hChaCha20(key, nonce);
    try {
      return new ChaCha20Poly1305(subkey);
    } finally {
      Arrays.fill(subkey, (byte) 0);
    }
  }

  private static long innerCounter(byte[] nonce) {
    return readLittleEndianInt(nonce, 16) & 0xffffffffL | (long) readLittleEndianInt(nonce, 20) << 32;
  }

  /**
   * HChaCha20 (draft-irtf-cfrg-xchacha-03 section 2.2): the ChaCha20 block function over key and
   * the first 16 nonce bytes, without the final addition, keeping words 0..3 and 12..15.
   */
  static byte[] hChaCha20(byte[] key, byte[] nonce) {
    int[] x = new int[16];
    x[0] = 0x61707865;
    x[1] = 0x3320646e;
    x[2] = 0x79622d32;
    x[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) {
      x[4 + i] = readLittleEndianInt(key, 4 * i);
    }
    for (int i = 0; i < HCHACHA_NONCE_LENGTH / 4; i++) {
      x[12 + i] = readLittleEndianInt(nonce, 4 * i);
    }
    for (int round = 0; round < 10; round++) {
      quarterRound(x, 0, 4, 8, 12);
      quarterRound(x, 1, 5, 9, 13);
      quarterRound(x, 2, 6, 10, 14);
      quarterRound(x, 3, 7, 11, 15);
      quarterRound(x, 0, 5, 10, 15);
      quarterRound(x, 1, 6, 11, 12);
      quarterRound(x, 2, 7, 8, 13);
      quarterRound(x, 3, 4, 9, 14);
    }
    byte[] out = new byte[KEY_LENGTH];
    for (int i = 0; i < 4; i++) {
      writeLittleEndianInt(out, 4 * i, x[i]);
      writeLittleEndianInt(out, 16 + 4 * i, x[12 + i]);
    }
    Arrays.fill(x, 0);
    return out;
  }

  private static void quarterRound(int[] x, int a, int b, int c, int d) {
    x[a] += x[b];
    x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
  }

  private static int readLittleEndianInt(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
  }

  private static void writeLittleEndianInt(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}
