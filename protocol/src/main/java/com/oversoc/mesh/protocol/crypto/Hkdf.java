package com.oversoc.mesh.protocol.crypto;

import java.util.Arrays;

/**
 * The HKDF of the Noise specification (section 4.3) and the WireGuard paper ({@code Kdf_n}),
 * over HMAC-BLAKE2s: {@code t0 = Hmac(ck, ikm)}, {@code t1 = Hmac(t0, 0x01)},
 * {@code t(i) = Hmac(t0, t(i-1) || i)}. It differs from RFC 5869 only in having no salt/info
 * split, which is why it is written out rather than borrowed.
 */
public final class Hkdf {
  /** Noise never asks for more than three outputs. */
  public static final int MAX_OUTPUTS = 3;

  private Hkdf() {}

  /**
   * Derives {@code outputs} 32-byte values from {@code chainingKey} and
   * {@code inputKeyMaterial} (which may be empty, or a DH result, or a preshared key).
   *
   * @param outputs 1..3
   */
  public static byte[][] derive(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
    if (outputs < 1 || outputs > MAX_OUTPUTS) {
      throw new IllegalArgumentException("HKDF produces 1..3 outputs, asked for " + outputs);
    }
    byte[] tempKey = Blake2s.hmac(chainingKey, inputKeyMaterial);
    try {
      // One HMAC keyed once for all outputs: its padded-key state is reused, not rehashed.
      Blake2s.Hmac prf = new Blake2s.Hmac(tempKey);
      byte[][] out = new byte[outputs][];
      byte[] previous = new byte[0];
      for (int i = 0; i < outputs; i++) {
        out[i] = prf.mac(previous, (byte) (i + 1));
        previous = out[i];
      }
      return out;
    } finally {
      Arrays.fill(tempKey, (byte) 0);
    }
  }
}
