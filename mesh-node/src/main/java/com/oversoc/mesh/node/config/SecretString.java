package com.oversoc.mesh.node.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A secret from configuration (a pre-auth key, a token). Never printed; compared in constant time. */
public final class SecretString {
  private final String value;

  public SecretString(String value) {
    this.value = value;
  }

  /** The secret itself, for the one place that must send or hash it. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretString other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // Not meant for hash maps; a constant avoids leaking anything through the hash.
  }

  @Override
  public String toString() {
    return "[redacted]";
  }
}
