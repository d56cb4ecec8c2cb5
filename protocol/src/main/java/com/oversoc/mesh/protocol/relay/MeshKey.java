package com.oversoc.mesh.protocol.relay;

import com.oversoc.mesh.protocol.key.Key32;
import com.oversoc.mesh.protocol.key.KeyFormatException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The secret shared by the relays of one region: a sibling that shows it in MESH_HELLO may
 * forward packets and watch which clients are connected. 32 random bytes; compared in constant
 * time ({@link Key32#equals}); never printed.
 */
public final class MeshKey extends Key32 {
  public MeshKey(byte[] bytes) {
    super(bytes);
  }

  /** @throws KeyFormatException if {@code base64} is not 44 characters of base64 for 32 bytes */
  public static MeshKey parse(String base64) {
    byte[] raw = decodeBase64(base64);
    try {
      return new MeshKey(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  public static MeshKey generate(SecureRandom random) {
    byte[] raw = new byte[LENGTH];
    random.nextBytes(raw);
    try {
      return new MeshKey(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** Constant-time comparison with the key a sibling presented. */
  public boolean matches(MeshKey presented) {
    return equals(presented);
  }

  @Override
  public String toString() {
    return "MeshKey[redacted]";
  }
}
