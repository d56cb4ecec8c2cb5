package com.oversoc.mesh.coordinator;

import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.KeyFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The coordinator's static key in its state directory: base64 of the private key, mode 0600,
 * in a directory of mode 0700. Generated on the first start; every replica of one mesh must be
 * given the same file (nodes pin its public half).
 */
public final class CoordinatorKeyFile {
  public static final String FILE_NAME = "coordinator.key";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** The key and whether this call created it (so the caller prints its public half once). */
  public record Loaded(CoordinatorPrivateKey key, boolean created) {}

  private CoordinatorKeyFile() {}

  /**
   * @throws IOException if the file cannot be read or written, or is readable by others
   * @throws KeyFormatException if the file does not hold a key
   */
  public static Loaded loadOrCreate(Path stateDir, SecureRandom random) throws IOException {
    Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = stateDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw new IOException(file + " is readable or writable by others (" + PosixFilePermissions.toString(perms)
            + "); the coordinator key must be 0600: chmod 600 " + file);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return new Loaded(CoordinatorPrivateKey.parse(text), false);
    }
    CoordinatorPrivateKey key = CoordinatorPrivateKey.generate(random);
    Path tmp = Files.createTempFile(stateDir, FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, key.toBase64() + "\n", StandardCharsets.US_ASCII);
      // A hard link never replaces an existing file, so two processes starting at once cannot
      // both install a key; the file appears complete or not at all.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
      return loadOrCreate(stateDir, random);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Loaded(key, true);
  }
}
