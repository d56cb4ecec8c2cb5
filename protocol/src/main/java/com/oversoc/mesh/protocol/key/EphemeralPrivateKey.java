package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;

/**
 * Private half of a handshake's one-time X25519 key. A handshake generates one per message
 * that carries an {@code e} token and destroys it once the session keys are derived; fixed
 * ephemeral keys exist only for known-answer tests.
 */
public final class EphemeralPrivateKey extends PrivateKey<EphemeralPublicKey> {
  public EphemeralPrivateKey(byte[] bytes) {
    super(bytes, EphemeralPublicKey::new);
  }

  public static EphemeralPrivateKey generate(SecureRandom random) {
    return generate(random, EphemeralPrivateKey::new);
  }
}
