package com.oversoc.mesh.protocol.key;

/** An X25519 public key; safe to print, log and publish. */
public abstract class PublicKey extends Key32 {
  protected PublicKey(byte[] bytes) {
    super(bytes);
  }

  /** A short prefix of the base64 form, the way operators refer to a key in logs. */
  public final String shortString() {
    return toBase64().substring(0, 8);
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + "[" + toBase64() + "]";
  }
}
