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
public abstract sealed class AuthKey {
  private AuthKey() {}

  public static AuthKey none() {
    return None.INSTANCE;
  }

  /** A key given inline ({@code ovsgw.control.auth-key}). */
  public static AuthKey inline(String secret) {
    if (secret.isBlank()) {
      throw new IllegalArgumentException("an inline pre-auth key is empty");
    }
    return new Inline(secret.strip());
  }

  /** A file holding the key ({@code ovsgw.control.auth-key-file}), deleted after enrollment. */
  public static AuthKey file(Path file) {
    return new FromFile(file);
  }

  /**
   * The key, if there is one now. A file that does not exist is no key (it was deleted after an
   * earlier enrollment, or was never written).
   *
   * @throws IOException if the file exists but cannot be read or holds nothing
   */
  public abstract Optional<String> read() throws IOException;

  /**
   * The coordinator confirmed the machine is enrolled: a key file is deleted.
   *
   * @return the file deleted, if one was
   */
  public abstract Optional<Path> enrolled() throws IOException;

  /** Where the key would come from, for an operator's error message ("no pre-auth key: ..."). */
  public abstract String source();

  @Override
  public final String toString() {
    return source();
  }

  private static final class None extends AuthKey {
    static final None INSTANCE = new None();

    @Override
    public Optional<String> read() {
      return Optional.empty();
    }

    @Override
    public Optional<Path> enrolled() {
      return Optional.empty();
    }

    @Override
    public String source() {
      return "no pre-auth key configured (ovsgw.control.auth-key or auth-key-file)";
    }
  }

  private static final class Inline extends AuthKey {
    private final String secret;

    Inline(String secret) {
      this.secret = secret;
    }

    @Override
    public Optional<String> read() {
      return Optional.of(secret);
    }

    @Override
    public Optional<Path> enrolled() {
      return Optional.empty();
    }

    @Override
    public String source() {
      return "the inline pre-auth key (ovsgw.control.auth-key)";
    }
  }

  private static final class FromFile extends AuthKey {
    private final Path file;

    FromFile(Path file) {
      this.file = file;
    }

    @Override
    public Optional<String> read() throws IOException {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      if (text.isEmpty()) {
        throw new IOException("the pre-auth key file " + file + " is empty");
      }
      return Optional.of(text);
    }

    @Override
    public Optional<Path> enrolled() throws IOException {
      return Files.deleteIfExists(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public String source() {
      return "the pre-auth key file " + file + " (ovsgw.control.auth-key-file)";
    }
  }
}
