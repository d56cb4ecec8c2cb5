package com.oversoc.mesh.protocol.key;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * 32 bytes of key material with exact-length parsing and constant-time equality. Subclasses
 * give the bytes a role; two keys of different roles are never equal even when their bytes are.
 */
public abstract class Key32 {
  public static final int LENGTH = 32;
  /** Length of the base64 text form of 32 bytes, with its one '=' of padding. */
  public static final int BASE64_LENGTH = 44;

  private final byte[] bytes;

  /** Copies {@code bytes}; the caller keeps its array. */
  protected Key32(byte[] bytes) {
    this(bytes, false);
  }

  /**
   * With {@code takeOwnership} the array is kept as is (no copy), so that no second copy of
   * secret material is left behind for the caller to forget.
   */
  protected Key32(byte[] bytes, boolean takeOwnership) {
    checkLength(bytes);
    this.bytes = takeOwnership ? bytes : bytes.clone();
  }

  private static void checkLength(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new KeyFormatException(
          "a key is exactly " + LENGTH + " bytes, got " + (bytes == null ? "none" : bytes.length));
    }
  }

  /**
   * Decodes the base64 text form (as {@code wg genkey} prints it) into exactly 32 bytes.
   *
   * @throws KeyFormatException if the text is not 44 characters of standard base64 for 32 bytes
   */
  protected static byte[] decodeBase64(String text) {
    if (text == null || text.isEmpty()) {
      throw new KeyFormatException("key is empty; expected 44 characters of base64 (32 bytes)");
    }
    String trimmed = text.strip();
    if (trimmed.length() != BASE64_LENGTH) {
      throw new KeyFormatException(
          "key is " + trimmed.length() + " characters; expected 44 characters of base64 (32 bytes)");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("key is not valid base64; expected 44 characters of base64 (32 bytes)");
    }
    if (decoded.length != LENGTH) {
      Arrays.fill(decoded, (byte) 0);
      throw new KeyFormatException("key decodes to " + decoded.length + " bytes; expected 32");
    }
    return decoded;
  }

  /** A copy of the raw bytes; callers own the copy and should zero it when done. */
  public final byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the raw bytes into {@code dst} at {@code offset}, without allocating. */
  public final void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /** Direct access for this package's subclasses and the crypto code that must not copy. */
  protected final byte[] raw() {
    return bytes;
  }

  /** The base64 text form. */
  public final String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Overwrites the material with zeros; the key is unusable afterwards. */
  protected final void zero() {
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public final boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (other == null || other.getClass() != getClass()) {
      return false;
    }
    return MessageDigest.isEqual(bytes, ((Key32) other).bytes);
  }

  @Override
  public final int hashCode() {
    // Public keys are used as map keys; for private keys the hash is never exposed.
    return ((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff))
        ^ getClass().hashCode();
  }
}
