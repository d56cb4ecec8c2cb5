package com.oversoc.mesh.protocol.noise;

import com.oversoc.mesh.protocol.crypto.Blake2s;
import com.oversoc.mesh.protocol.crypto.Hkdf;
import java.util.Arrays;

/**
 * A Noise SymmetricState (specification section 5.2): the chaining key {@code ck}, the
 * handshake hash {@code h} and the CipherState that encrypts handshake payloads. Only
 * {@link HandshakeState} drives it.
 */
final class SymmetricState {
  static final int HASH_LENGTH = Blake2s.HASH_LENGTH;

  private final byte[] chainingKey;
  private byte[] hash;
  private final CipherState cipher = new CipherState();

  /** InitializeSymmetric(protocol_name). */
  SymmetricState(byte[] protocolName) {
    if (protocolName.length <= HASH_LENGTH) {
      hash = Arrays.copyOf(protocolName, HASH_LENGTH);
    } else {
      hash = Blake2s.hash(protocolName);
    }
    chainingKey = hash.clone();
  }

  /** MixKey(input_key_material). */
  void mixKey(byte[] inputKeyMaterial) {
    byte[][] out = Hkdf.derive(chainingKey, inputKeyMaterial, 2);
    System.arraycopy(out[0], 0, chainingKey, 0, HASH_LENGTH);
    cipher.initializeKey(out[1]);
    wipe(out);
  }

  /** MixHash(data). */
  void mixHash(byte[] data) {
    mixHash(data, 0, data.length);
  }

  void mixHash(byte[] data, int offset, int length) {
    byte[] next = new byte[HASH_LENGTH];
    Blake2s.hashInto(next, hash, data, offset, length);
    hash = next;
  }

  /** MixKeyAndHash(input_key_material): how a preshared key enters the handshake. */
  void mixKeyAndHash(byte[] inputKeyMaterial) {
    byte[][] out = Hkdf.derive(chainingKey, inputKeyMaterial, 3);
    System.arraycopy(out[0], 0, chainingKey, 0, HASH_LENGTH);
    mixHash(out[1]);
    cipher.initializeKey(out[2]);
    wipe(out);
  }

  /** EncryptAndHash(plaintext): the handshake hash is the associated data. */
  byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
    byte[] ciphertext = cipher.encrypt(hash, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  /** DecryptAndHash(ciphertext). */
  byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
    byte[] plaintext = cipher.decrypt(hash, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  boolean hasKey() {
    return cipher.hasKey();
  }

  byte[] handshakeHash() {
    return hash.clone();
  }

  /** Split(): the initiator-to-responder and responder-to-initiator ciphers. */
  CipherState[] split() {
    byte[][] out = Hkdf.derive(chainingKey, new byte[0], 2);
    CipherState[] pair = {new CipherState(out[0]), new CipherState(out[1])};
    wipe(out);
    return pair;
  }

  /** The whole state, to put back if a message fails (see {@link HandshakeState#readMessage}). */
  Snapshot snapshot() {
    return new Snapshot(chainingKey.clone(), hash.clone(), cipher.keyCopy(), cipher.nonce());
  }

  void restore(Snapshot s) {
    System.arraycopy(s.chainingKey, 0, chainingKey, 0, HASH_LENGTH);
    hash = s.hash.clone();
    cipher.restore(s.key, s.nonce);
  }

  /** A copy of the secret state; {@link #wipe()} it once it is no longer needed. */
  record Snapshot(byte[] chainingKey, byte[] hash, byte[] key, long nonce) {
    void wipe() {
      Arrays.fill(chainingKey, (byte) 0);
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /** Zeros the chaining key and the handshake cipher; the hash stays readable for channel binding. */
  void destroy() {
    Arrays.fill(chainingKey, (byte) 0);
    cipher.destroy();
  }

  private static void wipe(byte[][] values) {
    for (byte[] v : values) {
      Arrays.fill(v, (byte) 0);
    }
  }
}
