package com.oversoc.mesh.coordinator;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The coordinator's static key in its state directory (a {@link KeyFile}, 0600). Generated on
 * the first start; every replica of one mesh must be given the same file (nodes pin its public
 * half).
 */
public final class CoordinatorKeyFile {
  public static final String FILE_NAME = "coordinator.key";

  private CoordinatorKeyFile() {}

  /** @throws IOException if the file cannot be read or written, others may read it, or it holds no key */
  public static KeyFile.Loaded<CoordinatorPrivateKey> loadOrCreate(Path stateDir, SecureRandom random)
      throws IOException {
    return KeyFile.loadOrCreate(stateDir, FILE_NAME, CoordinatorPrivateKey::parse,
        () -> CoordinatorPrivateKey.generate(random));
  }
}
