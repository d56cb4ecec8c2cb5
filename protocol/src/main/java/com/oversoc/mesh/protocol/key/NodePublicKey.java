package com.oversoc.mesh.protocol.key;

/** Public half of the WireGuard static key of a mesh node; rotates, signed by the machine key. */
public final class NodePublicKey extends PublicKey {
  public NodePublicKey(byte[] bytes) {
    super(bytes);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static NodePublicKey parse(String base64) {
    return new NodePublicKey(decodeBase64(base64));
  }
}
