package com.oversoc.mesh.protocol.noise;

import com.oversoc.mesh.protocol.crypto.ChaCha20Poly1305;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * A Noise CipherState (specification section 5.1): a ChaChaPoly key and a 64-bit nonce counter.
 * During a handshake it encrypts the handshake's payloads; after it, {@link HandshakeState#split()}
 * hands out one per direction, and a channel uses them on their own:
 *
 * <pre>{@code
 * byte[] frame = sender.encrypt(ad, plaintext);          // nonce n, then n+1
 * byte[] plaintext = receiver.decrypt(ad, frame);         // in order, as over TCP
 * int n = receiver.decryptWithNonce(counter, ad, ...);    // datagrams: nonce from the packet
 * }</pre>
 *
 * <p>Nonces are unsigned 64-bit counters. A cipher refuses to use a nonce at or above its
 * {@link #messageLimit() message limit}: by default {@link #MAX_NONCE}, which Noise reserves for
 * {@link #rekey()}; a channel that must rekey sooner (WireGuard's REJECT_AFTER_MESSAGES) sets a
 * lower one with {@link #limitMessages(long)}, and then runs {@link #rekey()} or a new handshake
 * when {@link NoiseException.Reason#NONCE_EXHAUSTED} appears.
 *
 * <p>Not thread-safe (the JDK cipher underneath keeps per-operation state): a CipherState belongs
 * to one thread at a time, as a session belongs to one actor.
 */
public final class CipherState {
  /** Length of the authentication tag each encryption adds. */
  public static final int TAG_LENGTH = ChaCha20Poly1305.TAG_LENGTH;
  /** Length of a key. */
  public static final int KEY_LENGTH = ChaCha20Poly1305.KEY_LENGTH;
  /** 2^64-1, the nonce Noise reserves for {@link #rekey()}; never used for a message. */
  public static final long MAX_NONCE = -1L;

  private static final byte[] NO_AD = new byte[0];

  private ChaCha20Poly1305 cipher;
  /** Kept only so that a handshake can snapshot and restore its cipher; zeroed with the key. */
  private byte[] keyBytes;
  private long nonce;
  private long messageLimit = MAX_NONCE;

  /** A cipher without a key: handshake payloads pass through unencrypted until the first DH. */
  CipherState() {}

  /** A cipher with {@code key} (copied; the caller zeros its array) and nonce 0. */
  CipherState(byte[] key) {
    initializeKey(key);
  }

  /** InitializeKey(k): a new key and nonce 0. */
  void initializeKey(byte[] key) {
    destroy();
    cipher = new ChaCha20Poly1305(key);
    keyBytes = key.clone();
    nonce = 0;
  }

  /** A copy of the key (null without one), for {@link SymmetricState}'s snapshots. */
  byte[] keyCopy() {
    return keyBytes == null ? null : keyBytes.clone();
  }

  /** Puts back a key and nonce taken with {@link #keyCopy()} and {@link #nonce()}. */
  void restore(byte[] key, long n) {
    if (key == null) {
      destroy();
      cipher = null;
      keyBytes = null;
    } else {
      initializeKey(key);
    }
    nonce = n;
  }

  public boolean hasKey() {
    return cipher != null;
  }

  /** The nonce the next {@link #encrypt} or {@link #decrypt} will use (unsigned). */
  public long nonce() {
    return nonce;
  }

  /** SetNonce(n): for channels that carry the nonce explicitly or resume a counter. */
  public void setNonce(long nonce) {
    this.nonce = nonce;
  }

  /** Nonces at or above this (unsigned) are refused. */
  public long messageLimit() {
    return messageLimit;
  }

  /**
   * Refuses nonces at or above {@code limit} (unsigned) from now on, so that a channel rekeys
   * before a key has been used for too many messages.
   */
  public void limitMessages(long limit) {
    if (Long.compareUnsigned(limit, MAX_NONCE) > 0) {
      throw new IllegalArgumentException("the limit is at most 2^64-1");
    }
    this.messageLimit = limit;
  }

  /**
   * EncryptWithAd(ad, plaintext) with the current nonce, which then advances. Without a key
   * (early in a handshake) the plaintext is returned as is.
   *
   * @throws NoiseException {@link NoiseException.Reason#NONCE_EXHAUSTED} at the message limit
   */
  public byte[] encrypt(byte[] ad, byte[] plaintext) throws NoiseException {
    if (cipher == null) {
      return plaintext.clone();
    }
    byte[] out = new byte[plaintext.length + TAG_LENGTH];
    encrypt(ad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /**
   * Encrypts {@code in[inOffset..inOffset+length)} into {@code out} at {@code outOffset} with the
   * current nonce, which then advances. The arrays may be the same at the same offset.
   *
   * @return bytes written: {@code length + 16}
   * @throws NoiseException {@link NoiseException.Reason#NONCE_EXHAUSTED} at the message limit
   */
  public int encrypt(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws NoiseException {
    requireKey();
    checkLimit(nonce);
    int written = cipher.seal(nonce, ad == null ? NO_AD : ad, in, inOffset, length, out, outOffset);
    nonce++;
    return written;
  }

  /**
   * DecryptWithAd(ad, ciphertext) with the current nonce, which advances only if the message
   * authenticates. Without a key the input is returned as is.
   *
   * @throws NoiseException {@link NoiseException.Reason#DECRYPT_FAILED} if the tag does not
   *     verify, {@link NoiseException.Reason#NONCE_EXHAUSTED} at the message limit
   */
  public byte[] decrypt(byte[] ad, byte[] ciphertext) throws NoiseException {
    if (cipher == null) {
      return ciphertext.clone();
    }
    if (ciphertext.length < TAG_LENGTH) {
      throw new NoiseException(NoiseException.Reason.MALFORMED,
          "ciphertext of " + ciphertext.length + " bytes is shorter than its tag");
    }
    byte[] out = new byte[ciphertext.length - TAG_LENGTH];
    decrypt(ad, ciphertext, 0, ciphertext.length, out, 0);
    return out;
  }

  /**
   * Decrypts {@code in[inOffset..inOffset+length)} (ciphertext and tag) into {@code out} with the
   * current nonce, which advances only on success.
   *
   * @return the plaintext length
   */
  public int decrypt(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws NoiseException {
    int read = decryptWithNonce(nonce, ad, in, inOffset, length, out, outOffset);
    nonce++;
    return read;
  }

  /**
   * Decrypts with an explicit {@code nonce} and leaves the cipher's own counter alone: for
   * datagram channels, where packets arrive out of order and carry their nonce, and where the
   * caller's replay filter decides which nonces are fresh.
   *
   * @return the plaintext length
   * @throws NoiseException {@link NoiseException.Reason#DECRYPT_FAILED} if the tag does not
   *     verify, {@link NoiseException.Reason#NONCE_EXHAUSTED} if {@code nonce} is at or above the
   *     message limit
   */
  public int decryptWithNonce(long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws NoiseException {
    requireKey();
    checkLimit(nonce);
    if (length < TAG_LENGTH) {
      throw new NoiseException(NoiseException.Reason.MALFORMED,
          "ciphertext of " + length + " bytes is shorter than its tag");
    }
    try {
      return cipher.open(nonce, ad == null ? NO_AD : ad, in, inOffset, length, out, outOffset);
    } catch (AEADBadTagException e) {
      throw new NoiseException(NoiseException.Reason.DECRYPT_FAILED, "authentication tag does not verify");
    }
  }

  /**
   * Rekey() (specification section 4.2): the key becomes the first 32 bytes of encrypting 32
   * zero bytes under nonce 2^64-1. The nonce counter is left as it is; a channel that wants to
   * restart it calls {@link #setNonce(long)} on both ends at the same message.
   */
  public void rekey() {
    requireKey();
    byte[] block = cipher.seal(MAX_NONCE, NO_AD, new byte[KEY_LENGTH]);
    byte[] key = Arrays.copyOf(block, KEY_LENGTH);
    try {
      initializeKeyKeepingNonce(key);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(block, (byte) 0);
    }
  }

  private void initializeKeyKeepingNonce(byte[] key) {
    long n = nonce;
    initializeKey(key);
    nonce = n;
  }

  /** Zeros the key. Any later use throws. */
  public void destroy() {
    if (cipher != null) {
      cipher.destroy();
    }
    if (keyBytes != null) {
      Arrays.fill(keyBytes, (byte) 0);
    }
  }

  public boolean isDestroyed() {
    return cipher != null && cipher.isDestroyed();
  }

  private void requireKey() {
    if (cipher == null) {
      throw new IllegalStateException("this CipherState has no key yet");
    }
  }

  private void checkLimit(long n) throws NoiseException {
    if (Long.compareUnsigned(n, messageLimit) >= 0) {
      throw new NoiseException(NoiseException.Reason.NONCE_EXHAUSTED,
          "nonce " + Long.toUnsignedString(n) + " is at the message limit " + Long.toUnsignedString(messageLimit));
    }
  }

  @Override
  public String toString() {
    return "CipherState[" + (cipher == null ? "no key" : "key redacted") + ", nonce " + Long.toUnsignedString(nonce) + "]";
  }
}
