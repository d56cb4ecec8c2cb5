package com.oversoc.mesh.relay;

import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.relay.MeshKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.function.Function;

/**
 * The relay's secrets on disk, as base64 text in files only their owner may read: its static
 * key in the state directory (created on the first start) and the region's mesh key (provided
 * by the operator, the same file on every relay of the region).
 */
public final class RelayKeyFiles {
  public static final String RELAY_KEY_FILE = "relay.key";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** The key and whether this call created it, so the caller logs its public half once. */
  public record Loaded(RelayPrivateKey key, boolean created) {}

  private RelayKeyFiles() {}

  /**
   * @throws IOException if the file cannot be read or written, or others may read it
   * @throws KeyFormatException if it does not hold a key
   */
  public static Loaded loadOrCreate(Path stateDir, SecureRandom random) throws IOException {
    Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = stateDir.resolve(RELAY_KEY_FILE);
    if (Files.exists(file)) {
      return new Loaded(readSecret(file, RelayPrivateKey::parse), false);
    }
    RelayPrivateKey key = RelayPrivateKey.generate(random);
    Path tmp = Files.createTempFile(stateDir, RELAY_KEY_FILE, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(tmp, key.toBase64() + "\n", StandardCharsets.US_ASCII);
      // A hard link never replaces a file: two relays started at once cannot both install a key.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      return loadOrCreate(stateDir, random);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Loaded(key, true);
  }

  /** The region's mesh key. */
  public static MeshKey readMeshKey(Path file) throws IOException {
    return readSecret(file, MeshKey::parse);
  }

  private static <K> K readSecret(Path file, Function<String, K> parse) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new IOException(file + " may be read or written by others (" + PosixFilePermissions.toString(perms)
          + "); a key file must be 0600: chmod 600 " + file);
    }
    try {
      return parse.apply(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (KeyFormatException e) {
      throw new IOException(file + ": " + e.getMessage());
    }
  }
}
