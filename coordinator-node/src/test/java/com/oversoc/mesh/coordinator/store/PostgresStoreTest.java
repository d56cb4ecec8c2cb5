package com.oversoc.mesh.coordinator.store;

/**
 * The storage suite on PostgreSQL (the production store), each test in its own schema. Fails,
 * never skips, when {@code OVSGW_TEST_POSTGRES_URL} is not set.
 */
class PostgresStoreTest extends StoreContract {
  @Override
  Database.Settings freshDatabase() {
    return TestDatabases.freshPostgresSchema(RACERS + 4);
  }

  @Override
  void dropDatabase(Database.Settings s) {
    TestDatabases.dropSchema(s);
  }
}
