package com.oversoc.mesh.actors.keyfile;

import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One secret per file: its base64 text and a newline, mode 0600, in a directory of mode 0700.
 * A file others may read or write is refused rather than used, since the secret in it can no
 * longer be trusted to be ours alone. Error messages name the file, never its content.
 */
public final class KeyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final String STATE_DIR_MODE = "rwx------";

  /** The key and whether this call created it, so the caller prints its public half once. */
  public record Loaded<K>(K key, boolean created) {}

  private KeyFile() {}

  /**
   * Reads {@code stateDir/fileName}, or on the first start generates a key and writes it there.
   *
   * @throws IOException if the file cannot be read or written, others may read or write it, or it
   *     does not hold a key (the message names the file)
   */
  public static <K extends PrivateKey<?>> Loaded<K> loadOrCreate(Path stateDir, String fileName,
      Function<String, K> parse, Supplier<K> generate) throws IOException {
    Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(STATE_DIR_MODE)));
    Path file = stateDir.resolve(fileName);
    if (Files.exists(file)) {
      return new Loaded<>(read(file, parse), false);
    }
    K key = generate.get();
    Path tmp = Files.createTempFile(stateDir, fileName, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, key.toBase64() + "\n", StandardCharsets.US_ASCII);
      // A hard link never replaces a file: of two processes starting at once, one installs its
      // key and the other reads it; the file appears complete or not at all.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      return new Loaded<>(read(file, parse), false);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Loaded<>(key, true);
  }

  /**
   * Reads a secret from a file only its owner may read and write.
   *
   * @throws IOException if it cannot be read, others may read or write it, or {@code parse}
   *     refuses its text (the message names the file, never its content)
   */
  public static <K> K read(Path file, Function<String, K> parse) throws IOException {
    requireOwnerOnly(file, "a key file");
    try {
      return parse.apply(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (KeyFormatException e) {
      throw new IOException(file + ": " + e.getMessage());
    }
  }

  /**
   * Refuses a secret file that others may read or write.
   *
   * @param what names the kind of file in the message, e.g. "a key file"
   * @throws IOException naming the file, its mode and the fix
   */
  public static void requireOwnerOnly(Path file, String what) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new IOException(file + " may be read or written by others (" + PosixFilePermissions.toString(perms)
          + "); " + what + " must be 0600: chmod 600 " + file);
    }
  }
}
