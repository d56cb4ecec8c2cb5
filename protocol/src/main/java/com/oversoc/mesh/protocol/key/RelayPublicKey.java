package com.oversoc.mesh.protocol.key;

/** Public half of a relay's static Noise key, published in the relay map. */
public final class RelayPublicKey extends PublicKey {
  public RelayPublicKey(byte[] bytes) {
    super(bytes);
  }

  /** @throws KeyFormatException if {@code base64} is not a 32-byte key */
  public static RelayPublicKey parse(String base64) {
    return new RelayPublicKey(decodeBase64(base64));
  }
}
