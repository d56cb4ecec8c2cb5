package com.oversoc.mesh.protocol.control;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A bearer secret with a public id: pre-auth keys ({@code ovsgw-key-<id>-<secret>}) and admin
 * tokens ({@code ovsgw-admin-<id>-<secret>}). The id (16 hex digits) is stored and shown in
 * listings; only SHA-256 of the secret (32 random bytes, base64url) is stored. A slow password
 * hash is not needed: the secret has 256 bits of entropy, so its hash cannot be brute-forced.
 */
public final class SecretToken {
  /** Which kind of token; the prefix tells them apart in text. */
  public enum Kind {
    PRE_AUTH_KEY("ovsgw-key-"),
    ADMIN_TOKEN("ovsgw-admin-");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  private static final int ID_BYTES = 8;
  private static final int SECRET_BYTES = 32;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Kind kind;
  private final String id;
  private final byte[] secret;

  private SecretToken(Kind kind, String id, byte[] secret) {
    this.kind = kind;
    this.id = id;
    this.secret = secret;
  }

  public static SecretToken generate(Kind kind, SecureRandom random) {
    byte[] idBytes = new byte[ID_BYTES];
    random.nextBytes(idBytes);
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    return new SecretToken(kind, HexFormat.of().formatHex(idBytes), secret);
  }

  /**
   * @throws TokenFormatException saying what the text should look like (never echoing it)
   */
  public static SecretToken parse(Kind kind, String text) {
    String accepted = "accepted: " + kind.prefix + "<16 hex digits>-<43 base64url characters>";
    if (text == null || !text.startsWith(kind.prefix)) {
      throw new TokenFormatException("does not start with '" + kind.prefix + "'; " + accepted);
    }
    String rest = text.substring(kind.prefix.length()).strip();
    int dash = rest.indexOf('-');
    if (dash != 16 || !ID.matcher(rest.substring(0, dash)).matches()
        || !SECRET.matcher(rest.substring(dash + 1)).matches()) {
      throw new TokenFormatException("is malformed; " + accepted);
    }
    byte[] secret = Base64.getUrlDecoder().decode(rest.substring(dash + 1));
    if (secret.length != SECRET_BYTES) {
      throw new TokenFormatException("has a secret of the wrong length; " + accepted);
    }
    return new SecretToken(kind, rest.substring(0, dash), secret);
  }

  public Kind kind() {
    return kind;
  }

  /** The public id, stored in clear and shown in listings and audit events. */
  public String id() {
    return id;
  }

  /** SHA-256 of the secret: what the store keeps. */
  public byte[] hash() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** Constant-time comparison of this token's hash with a stored one. */
  public boolean matches(byte[] storedHash) {
    return storedHash != null && MessageDigest.isEqual(hash(), storedHash);
  }

  /** The full text form, to show exactly once to whoever created it. */
  public String reveal() {
    return kind.prefix + id + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretToken t && t.kind == kind && t.id.equals(id)
        && MessageDigest.isEqual(t.secret, secret);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return kind.prefix + id + "-[redacted]";
  }

  /** Text that should be a token is not one. The message never contains the text. */
  public static final class TokenFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TokenFormatException(String message) {
      super(message);
    }
  }

  /** Zeros the secret once the token is no longer needed. */
  public void destroy() {
    Arrays.fill(secret, (byte) 0);
  }
}
