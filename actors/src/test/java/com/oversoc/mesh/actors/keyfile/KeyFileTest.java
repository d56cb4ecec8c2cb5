package com.oversoc.mesh.actors.keyfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path dir;

  private KeyFile.Loaded<MachinePrivateKey> load(Path stateDir) throws IOException {
    return KeyFile.loadOrCreate(stateDir, "machine.key", MachinePrivateKey::parse,
        () -> MachinePrivateKey.generate(RANDOM));
  }

  @Test
  void theFirstStartCreatesAnOwnerOnlyFileAndLaterStartsReadTheSameKey() throws Exception {
    Path state = dir.resolve("state");
    KeyFile.Loaded<MachinePrivateKey> first = load(state);
    assertTrue(first.created());
    Path file = state.resolve("machine.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    assertEquals(first.key().toBase64() + "\n", Files.readString(file));

    KeyFile.Loaded<MachinePrivateKey> again = load(state);
    assertFalse(again.created());
    assertEquals(first.key().publicKey(), again.key().publicKey());
    try (var listing = Files.list(state)) {
      assertEquals(List.of(file), listing.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void processesStartingAtOnceAllEndUpWithOneKey() throws Exception {
    Path state = dir.resolve("racing");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<KeyFile.Loaded<MachinePrivateKey>>> starts = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        starts.add(() -> load(state));
      }
      List<Future<KeyFile.Loaded<MachinePrivateKey>>> results = pool.invokeAll(starts);
      long created = 0;
      for (Future<KeyFile.Loaded<MachinePrivateKey>> r : results) {
        created += r.get().created() ? 1 : 0;
        assertEquals(results.get(0).get().key().publicKey(), r.get().key().publicKey());
      }
      assertEquals(1, created, "exactly one start installed its key");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFileOthersMayReadIsRefusedWithTheFixAndWithoutItsContent() throws Exception {
    Path state = dir.resolve("open");
    MachinePrivateKey key = load(state).key();
    Path file = state.resolve("machine.key");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IOException e = assertThrows(IOException.class, () -> load(state));
    assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    assertFalse(e.getMessage().contains(key.toBase64()), "the secret is never in an error");
  }

  @Test
  void aFileThatHoldsNoKeyIsAnErrorNamingTheFile() throws Exception {
    Path state = Files.createDirectories(dir.resolve("broken"));
    Path file = Files.writeString(state.resolve("machine.key"), "not a key\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    IOException e = assertThrows(IOException.class, () -> load(state));
    assertTrue(e.getMessage().startsWith(file + ": key is 9 characters"), e.getMessage());
  }
}
