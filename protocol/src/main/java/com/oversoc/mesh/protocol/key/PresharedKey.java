package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;

/**
 * A 32-byte symmetric key shared out of band by two peers and mixed into their handshake
 * (Noise {@code psk} token, WireGuard's optional preshared key). Adds a layer of symmetric
 * security: a recorded session stays secret even if X25519 is broken later. {@link #toString()}
 * never prints the material; {@link #destroy()} zeros it.
 */
public final class PresharedKey extends Key32 {
  private volatile boolean destroyed;

  /** Copies {@code bytes}. */
  public PresharedKey(byte[] bytes) {
    super(bytes);
  }

  private PresharedKey(byte[] bytes, boolean takeOwnership) {
    super(bytes, takeOwnership);
  }

  /** A fresh key from {@code random}, as {@code wg genpsk} makes one. */
  public static PresharedKey generate(SecureRandom random) {
    byte[] k = new byte[LENGTH];
    random.nextBytes(k);
    return new PresharedKey(k, true);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static PresharedKey parse(String base64) {
    return new PresharedKey(decodeBase64(base64), true);
  }

  /**
   * Copies the material into {@code dst} at {@code offset} for the handshake that mixes it in.
   *
   * @throws IllegalStateException if the key was destroyed
   */
  public void copyMaterialTo(byte[] dst, int offset) {
    if (destroyed) {
      throw new IllegalStateException("PresharedKey was destroyed");
    }
    copyTo(dst, offset);
  }

  /** Zeros the key material. Any later use throws. */
  public void destroy() {
    destroyed = true;
    zero();
  }

  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "PresharedKey[redacted]";
  }
}
