package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;

/** Private half of the WireGuard static key of a mesh node; rotates, signed by the machine key. */
public final class NodePrivateKey extends PrivateKey<NodePublicKey> {
  public NodePrivateKey(byte[] bytes) {
    super(bytes, NodePublicKey::new);
  }

  public static NodePrivateKey generate(SecureRandom random) {
    return generate(random, NodePrivateKey::new);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static NodePrivateKey parse(String base64) {
    return parse(base64, NodePrivateKey::new);
  }
}
