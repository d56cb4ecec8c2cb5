package com.oversoc.mesh.protocol.key;

/** Public half of a handshake's one-time X25519 key; travels in clear in the handshake. */
public final class EphemeralPublicKey extends PublicKey {
  public EphemeralPublicKey(byte[] bytes) {
    super(bytes);
  }
}
