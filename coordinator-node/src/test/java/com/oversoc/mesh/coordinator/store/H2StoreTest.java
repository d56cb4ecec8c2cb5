package com.oversoc.mesh.coordinator.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage suite on the embedded H2 file database (the default store). */
class H2StoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  Database.Settings freshDatabase() {
    return TestDatabases.h2(dir);
  }
}
