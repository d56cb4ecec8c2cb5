package com.oversoc.mesh.protocol.key;

/** Public half of the coordinator's static Noise key, pinned in every node's configuration. */
public final class CoordinatorPublicKey extends PublicKey {
  public CoordinatorPublicKey(byte[] bytes) {
    super(bytes);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static CoordinatorPublicKey parse(String base64) {
    return new CoordinatorPublicKey(decodeBase64(base64));
  }
}
