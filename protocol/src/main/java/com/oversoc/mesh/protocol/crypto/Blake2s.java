package com.oversoc.mesh.protocol.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BLAKE2s (RFC 7693) in the three forms the WireGuard paper names: {@code Hash} (BLAKE2s-256),
 * {@code Mac} (keyed BLAKE2s with a 16-byte output) and {@code Hmac} (RFC 2104 HMAC over
 * BLAKE2s-256, 64-byte block). The compression function is BouncyCastle's; this class fixes the
 * parameters. Each call is independent, so the methods are safe from any thread.
 */
public final class Blake2s {
  /** Output length of {@code Hash} and {@code Hmac}. */
  public static final int HASH_LENGTH = 32;
  /** Output length of WireGuard's {@code Mac} (mac1, mac2, cookies). */
  public static final int MAC_LENGTH = 16;
  /** Longest key keyed BLAKE2s accepts. */
  public static final int MAX_KEY_LENGTH = 32;

  private Blake2s() {}

  /** BLAKE2s-256 of the concatenation of {@code parts}. */
  public static byte[] hash(byte[]... parts) {
    Blake2sDigest digest = new Blake2sDigest(HASH_LENGTH * 8);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[HASH_LENGTH];
    digest.doFinal(out, 0);
    return out;
  }

  /**
   * BLAKE2s-256 of {@code first} followed by {@code length} bytes of {@code second} at
   * {@code offset}, into {@code out[0..32)}. The handshake's MixHash calls it for every token, so
   * it takes slices and writes in place instead of concatenating.
   */
  public static void hashInto(byte[] out, byte[] first, byte[] second, int offset, int length) {
    Blake2sDigest digest = new Blake2sDigest(HASH_LENGTH * 8);
    digest.update(first, 0, first.length);
    digest.update(second, offset, length);
    digest.doFinal(out, 0);
  }

  /**
   * Keyed BLAKE2s of {@code input[offset..offset+length)} with an output of {@code outputLength}
   * bytes: WireGuard's {@code Mac(key, input)} when {@code outputLength} is 16.
   *
   * @param key 1..32 bytes
   */
  public static byte[] mac(byte[] key, int outputLength, byte[] input, int offset, int length) {
    if (key.length == 0 || key.length > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("a BLAKE2s key is 1..32 bytes, got " + key.length);
    }
    Blake2sDigest digest = new Blake2sDigest(key, outputLength, null, null);
    digest.update(input, offset, length);
    byte[] out = new byte[outputLength];
    digest.doFinal(out, 0);
    return out;
  }

  /** WireGuard's {@code Mac(key, input)}: keyed BLAKE2s with a 16-byte output. */
  public static byte[] mac(byte[] key, byte[] input) {
    return mac(key, MAC_LENGTH, input, 0, input.length);
  }

  /**
   * HMAC-BLAKE2s-256 under one key, for several messages: the padded key is hashed once and each
   * {@link #mac} starts from that state. Not thread-safe.
   */
  public static final class Hmac {
    private final HMac hmac = new HMac(new Blake2sDigest(HASH_LENGTH * 8));

    public Hmac(byte[] key) {
      hmac.init(new KeyParameter(key));
    }

    /** HMAC of {@code part} followed by the byte {@code last}. */
    public byte[] mac(byte[] part, byte last) {
      hmac.update(part, 0, part.length);
      hmac.update(last);
      byte[] out = new byte[HASH_LENGTH];
      hmac.doFinal(out, 0);
      return out;
    }
  }

  /** HMAC-BLAKE2s-256 of the concatenation of {@code parts}. */
  public static byte[] hmac(byte[] key, byte[]... parts) {
    HMac hmac = new HMac(new Blake2sDigest(HASH_LENGTH * 8));
    hmac.init(new KeyParameter(key));
    for (byte[] part : parts) {
      hmac.update(part, 0, part.length);
    }
    byte[] out = new byte[HASH_LENGTH];
    hmac.doFinal(out, 0);
    return out;
  }
}
