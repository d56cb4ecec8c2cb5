package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The machine key, a control client's long-lived identity, in the node's state directory (a
 * {@link KeyFile}, 0600), created on the first start. Losing it means enrolling again with a new
 * pre-auth key; the coordinator knows the machine by nothing else.
 */
public final class MachineKeyFile {
  public static final String FILE_NAME = "machine.key";

  private MachineKeyFile() {}

  /** @throws IOException if the file cannot be read or written, others may read it, or it holds no key */
  public static KeyFile.Loaded<MachinePrivateKey> loadOrCreate(Path stateDir, SecureRandom random) throws IOException {
    return KeyFile.loadOrCreate(stateDir, FILE_NAME, MachinePrivateKey::parse, () -> MachinePrivateKey.generate(random));
  }
}
