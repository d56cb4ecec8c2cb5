package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;

/** Private half of the coordinator's static Noise key, pinned in every node's configuration. */
public final class CoordinatorPrivateKey extends PrivateKey<CoordinatorPublicKey> {
  public CoordinatorPrivateKey(byte[] bytes) {
    super(bytes, CoordinatorPublicKey::new);
  }

  public static CoordinatorPrivateKey generate(SecureRandom random) {
    return generate(random, CoordinatorPrivateKey::new);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static CoordinatorPrivateKey parse(String base64) {
    return parse(base64, CoordinatorPrivateKey::new);
  }
}
