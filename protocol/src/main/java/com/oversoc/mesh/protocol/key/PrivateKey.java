package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 private key. {@link #toString()} never prints the material; {@link #destroy()}
 * zeros it. The public half is derived once at construction.
 *
 * @param <P> the public key type of the same role
 */
public abstract class PrivateKey<P extends PublicKey> extends Key32 {
  private final P publicKey;
  private volatile boolean destroyed;

  protected PrivateKey(byte[] bytes, Function<byte[], P> publicFactory) {
    super(clampedCopy(bytes), true);
    byte[] pub = new byte[LENGTH];
    X25519.generatePublicKey(raw(), 0, pub, 0);
    this.publicKey = publicFactory.apply(pub);
  }

  /** Parses the base64 form and zeros the intermediate decoded bytes. */
  protected static <K> K parse(String base64, Function<byte[], K> factory) {
    return wipeAfter(decodeBase64(base64), factory);
  }

  /** A fresh key from {@code random}; the intermediate bytes are zeroed. */
  protected static <K> K generate(SecureRandom random, Function<byte[], K> factory) {
    byte[] k = new byte[LENGTH];
    X25519.generatePrivateKey(random, k);
    return wipeAfter(k, factory);
  }

  private static <K> K wipeAfter(byte[] material, Function<byte[], K> factory) {
    try {
      return factory.apply(material);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  private static byte[] clampedCopy(byte[] k) {
    if (k == null || k.length != LENGTH) {
      return k; // Key32 reports the length problem.
    }
    byte[] c = k.clone();
    c[0] &= (byte) 248;
    c[31] &= 127;
    c[31] |= 64;
    return c;
  }

  public final P publicKey() {
    return publicKey;
  }

  /**
   * X25519(this, peer) into {@code out[offset..offset+32)}, by the project's radix-2^51
   * {@link com.oversoc.mesh.protocol.crypto.X25519} (about 1.5 times BouncyCastle's speed, same
   * results; the public half above stays with BouncyCastle's faster fixed-base multiplication).
   *
   * @throws KeyFormatException if the peer key is a low-order point (the result would be all zeros)
   */
  public final void agree(PublicKey peer, byte[] out, int offset) {
    ensureLive();
    byte[] peerBytes = peer.raw();
    if (!com.oversoc.mesh.protocol.crypto.X25519.calculateAgreement(raw(), 0, peerBytes, 0, out, offset)) {
      throw new KeyFormatException("peer public key is a low-order point");
    }
  }

  /** Zeros the key material. Any later use throws. */
  public final void destroy() {
    destroyed = true;
    zero();
  }

  public final boolean isDestroyed() {
    return destroyed;
  }

  private void ensureLive() {
    if (destroyed) {
      throw new IllegalStateException(getClass().getSimpleName() + " was destroyed");
    }
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + "[redacted, public " + publicKey.shortString() + "]";
  }
}
