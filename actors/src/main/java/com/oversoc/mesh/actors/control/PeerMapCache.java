package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.PeerMapDiff;
import com.oversoc.mesh.protocol.control.PeerMapReducer;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The node's last peer map on disk ({@code state-dir/peer-map.pb}, mode 0600), so that it keeps
 * serving its peers while the coordinator is down, also across its own restart. Stored as the
 * full {@code MapResponse} the map is equivalent to, and read back through the same reducer and
 * validation as a map from the wire. Written to a temporary file and moved into place, so a crash
 * leaves the old map or the new one, never half of one. A revoked node deletes it.
 */
public final class PeerMapCache {
  public static final String FILE_NAME = "peer-map.pb";
  private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path file;

  public PeerMapCache(Path stateDir) {
    this.file = stateDir.resolve(FILE_NAME);
  }

  public Path file() {
    return file;
  }

  /**
   * The cached map, or empty if there is none.
   *
   * @throws IOException if the file cannot be read, may be read by others, or does not hold a
   *     valid map (the message names the file and what is wrong)
   */
  public Optional<PeerMap> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    KeyFile.requireOwnerOnly(file, "the peer map cache");
    try {
      MapResponse full = MapResponse.parseFrom(Files.readAllBytes(file));
      return Optional.of(PeerMapReducer.apply(null, full).map());
    } catch (InvalidProtocolBufferException | ControlException e) {
      throw new IOException(file + " does not hold a valid peer map (" + e.getMessage() + "); delete it and the node "
          + "fetches a new one from its coordinator", e);
    }
  }

  /** Replaces the cached map with {@code map}. */
  public void save(PeerMap map) throws IOException {
    MapResponse full = PeerMapDiff.full(map);
    Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp", OWNER_ONLY);
    try {
      Files.write(tmp, full.toByteArray());
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forgets the map (the node was revoked: it must not serve its old peers again). */
  public void delete() throws IOException {
    Files.deleteIfExists(file);
  }
}
