package com.oversoc.mesh.protocol.key;

import java.security.SecureRandom;

/** Private half of the long-lived control-plane identity of a node. */
public final class MachinePrivateKey extends PrivateKey<MachinePublicKey> {
  public MachinePrivateKey(byte[] bytes) {
    super(bytes, MachinePublicKey::new);
  }

  public static MachinePrivateKey generate(SecureRandom random) {
    return generate(random, MachinePrivateKey::new);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static MachinePrivateKey parse(String base64) {
    return parse(base64, MachinePrivateKey::new);
  }
}
