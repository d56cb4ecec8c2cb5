package com.oversoc.mesh.actors.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a control client finds the pre-auth key it enrolls with when the coordinator says its
 * machine is not enrolled: nowhere (an enrolled node), inline in the configuration, or in a
 * file that is deleted once the coordinator confirms the enrollment, so the secret does not
 * outlive its use. Never prints the key.
 */
public final class AuthKey {
  private static final AuthKey NONE = new AuthKey(Optional.empty(), Optional.empty(),
      "no pre-auth key configured (ovsgw.control.auth-key or auth-key-file)");

  private final Optional<String> inline;
  private final Optional<Path> file;
  private final String source;

  private AuthKey(Optional<String> inline, Optional<Path> file, String source) {
    this.inline = inline;
    this.file = file;
    this.source = source;
  }

  public static AuthKey none() {
    return NONE;
  }

  /** A key given inline ({@code ovsgw.control.auth-key}). */
  public static AuthKey inline(String secret) {
    if (secret.isBlank()) {
      throw new IllegalArgumentException("an inline pre-auth key is empty");
    }
    return new AuthKey(Optional.of(secret.strip()), Optional.empty(),
        "the inline pre-auth key (ovsgw.control.auth-key)");
  }

  /** A file holding the key ({@code ovsgw.control.auth-key-file}), deleted after enrollment. */
  public static AuthKey file(Path file) {
    return new AuthKey(Optional.empty(), Optional.of(file),
        "the pre-auth key file " + file + " (ovsgw.control.auth-key-file)");
  }

  /**
   * The key, if there is one now. A file that does not exist is no key (it was deleted after an
   * earlier enrollment, or was never written).
   *
   * @throws IOException if the file exists but cannot be read or holds nothing
   */
  public Optional<String> read() throws IOException {
    if (file.isEmpty()) {
      return inline;
    }
    String text;
    try {
      text = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (text.isEmpty()) {
      throw new IOException("the pre-auth key file " + file.get() + " is empty");
    }
    return Optional.of(text);
  }

  /**
   * The coordinator confirmed the machine is enrolled: a key file is deleted.
   *
   * @return the file deleted, if one was
   */
  public Optional<Path> enrolled() throws IOException {
    return file.isPresent() && Files.deleteIfExists(file.get()) ? file : Optional.empty();
  }

  /** Where the key would come from, for an operator's error message ("no pre-auth key: ..."). */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }
}
