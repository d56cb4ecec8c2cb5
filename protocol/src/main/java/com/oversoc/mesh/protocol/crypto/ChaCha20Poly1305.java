package com.oversoc.mesh.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) under one key, with the nonce layout of Noise and WireGuard: 32
 * zero bits followed by a 64-bit little-endian counter.
 *
 * <p>The cipher is the JDK's ({@code ChaCha20-Poly1305}, with x86 intrinsics since JDK 20):
 * measured side by side with BouncyCastle's engine in {@code sim.bench.WireGuardBench} it is
 * about 3.9 times faster sealing and opening 1400-byte packets on the build machines (see the
 * README, "WireGuard session").
 *
 * <p>Not thread-safe: a JDK {@link Cipher} holds per-operation state. Each instance is owned by
 * one thread at a time; the data path gives every session key its own instance (see
 * {@code protocol.wireguard.Keypair}).
 */
public final class ChaCha20Poly1305 {
  public static final int KEY_LENGTH = 32;
  public static final int TAG_LENGTH = 16;
  public static final int NONCE_LENGTH = 12;

  private static final String TRANSFORMATION = "ChaCha20-Poly1305";
  private static final byte[] NO_AD = new byte[0];

  /**
   * Created on first use: a handshake makes a key at every DH and uses few of them, and looking
   * up a JDK cipher costs more than the BLAKE2s work of the key derivation.
   */
  private Cipher cipher;
  private final RawKey key;
  private final byte[] nonce = new byte[NONCE_LENGTH];

  /** Copies {@code key}; the caller keeps (and should zero) its array. */
  public ChaCha20Poly1305(byte[] key) {
    if (key == null || key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes");
    }
    this.key = new RawKey(key.clone());
  }

  private Cipher cipher() {
    if (cipher == null) {
      try {
        cipher = Cipher.getInstance(TRANSFORMATION);
      } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
        throw new IllegalStateException("this JDK has no " + TRANSFORMATION + " cipher (JDK 11+ has one)", e);
      }
    }
    return cipher;
  }

  /**
   * Encrypts {@code in[inOffset..inOffset+length)} with nonce {@code counter} and writes the
   * ciphertext and its 16-byte tag to {@code out} at {@code outOffset}. {@code in} and {@code out}
   * may be the same array at the same offset.
   *
   * @return the number of bytes written, {@code length + 16}
   */
  public int seal(long counter, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
    try {
      init(Cipher.ENCRYPT_MODE, counter, ad);
      return cipher().doFinal(in, inOffset, length, out, outOffset);
    } catch (ShortBufferException e) {
      throw new IllegalArgumentException("output has no room for " + (length + TAG_LENGTH) + " bytes", e);
    } catch (GeneralSecurityException e) {
      // Only reachable through a bug: a reused (key, nonce) pair or a broken JDK provider.
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /** Encrypts {@code plaintext} into a new array of {@code plaintext.length + 16} bytes. */
  public byte[] seal(long counter, byte[] ad, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + TAG_LENGTH];
    seal(counter, ad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /**
   * Authenticates and decrypts {@code in[inOffset..inOffset+length)} (ciphertext followed by the
   * tag) into {@code out} at {@code outOffset}; nothing is written if the tag does not verify.
   * {@code in} and {@code out} may be the same array at the same offset.
   *
   * @return the plaintext length, {@code length - 16}
   * @throws AEADBadTagException if the tag does not verify (forged, corrupted, wrong key or nonce)
   */
  public int open(long counter, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws AEADBadTagException {
    if (length < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext of " + length + " bytes is shorter than the tag");
    }
    try {
      init(Cipher.DECRYPT_MODE, counter, ad);
      return cipher().doFinal(in, inOffset, length, out, outOffset);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (ShortBufferException e) {
      throw new IllegalArgumentException("output has no room for " + (length - TAG_LENGTH) + " bytes", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  /** Decrypts {@code ciphertext} (with its tag) into a new array. */
  public byte[] open(long counter, byte[] ad, byte[] ciphertext) throws AEADBadTagException {
    if (ciphertext.length < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext of " + ciphertext.length + " bytes is shorter than the tag");
    }
    byte[] out = new byte[ciphertext.length - TAG_LENGTH];
    open(counter, ad, ciphertext, 0, ciphertext.length, out, 0);
    return out;
  }

  /**
   * Zeros this instance's copy of the key and re-keys the JDK cipher with zeros, which overwrites
   * the copy the cipher made. Any later use throws.
   */
  public void destroy() {
    key.destroy();
    if (cipher == null) {
      return; // the JDK never saw the key
    }
    try {
      // Re-initialising overwrites the cipher's internal key copy with the (now zero) key.
      nonce[0] = (byte) 0xff;
      cipher.init(Cipher.DECRYPT_MODE, new RawKey(new byte[KEY_LENGTH]), new IvParameterSpec(nonce));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not clear the JDK cipher's key", e);
    }
  }

  public boolean isDestroyed() {
    return key.isDestroyed();
  }

  private void init(int mode, long counter, byte[] ad)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (key.isDestroyed()) {
      throw new IllegalStateException("ChaCha20Poly1305 key was destroyed");
    }
    nonce[0] = 0;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (counter >>> (8 * i));
    }
    cipher().init(mode, key, new IvParameterSpec(nonce));
    byte[] aad = ad == null ? NO_AD : ad;
    if (aad.length > 0) {
      cipher.updateAAD(aad);
    }
  }

  @Override
  public String toString() {
    return "ChaCha20Poly1305[key redacted]";
  }

  /** A {@link SecretKey} whose material this class can zero (a {@code SecretKeySpec} cannot be). */
  private static final class RawKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private final byte[] material;
    private volatile boolean destroyed;

    RawKey(byte[] material) {
      this.material = material;
    }

    @Override
    public String getAlgorithm() {
      return "ChaCha20";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return material.clone();
    }

    @Override
    public void destroy() {
      destroyed = true;
      Arrays.fill(material, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }
  }
}
