package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.relay.MeshKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The relay's secrets on disk ({@link KeyFile}s, 0600): its static key in the state directory
 * (created on the first start) and the region's mesh key (provided by the operator, the same
 * file on every relay of the region).
 */
public final class RelayKeyFiles {
  public static final String RELAY_KEY_FILE = "relay.key";

  private RelayKeyFiles() {}

  /** @throws IOException if the file cannot be read or written, others may read it, or it holds no key */
  public static KeyFile.Loaded<RelayPrivateKey> loadOrCreate(Path stateDir, SecureRandom random) throws IOException {
    return KeyFile.loadOrCreate(stateDir, RELAY_KEY_FILE, RelayPrivateKey::parse, () -> RelayPrivateKey.generate(random));
  }

  /** The region's mesh key. */
  public static MeshKey readMeshKey(Path file) throws IOException {
    return KeyFile.read(file, MeshKey::parse);
  }
}
