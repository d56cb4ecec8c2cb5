package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;

/** Private half of a relay's static Noise key, published in the relay map. */
public final class RelayPrivateKey extends PrivateKey<RelayPublicKey> {
  public RelayPrivateKey(byte[] bytes) {
    super(bytes, RelayPublicKey::new);
  }

  public static RelayPrivateKey generate(SecureRandom random) {
    return generate(random, RelayPrivateKey::new);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static RelayPrivateKey parse(String base64) {
    return parse(base64, RelayPrivateKey::new);
  }
}
