package com.oversoc.mesh.protocol.key;

/** Public half of the long-lived control-plane identity of a node. */
public final class MachinePublicKey extends PublicKey {
  public MachinePublicKey(byte[] bytes) {
    super(bytes);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static MachinePublicKey parse(String base64) {
    return new MachinePublicKey(decodeBase64(base64));
  }
}
