package com.oversoc.mesh.coordinator.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Databases for the storage suite. PostgreSQL comes from {@code OVSGW_TEST_POSTGRES_URL}, which
 * {@code .ci/run} sets after starting the Debian cluster ({@code .ci/start-postgres}); each test
 * gets its own schema, dropped afterwards. Without the variable the PostgreSQL tests fail.
 */
public final class TestDatabases {
  public static final String POSTGRES_URL_VARIABLE = "OVSGW_TEST_POSTGRES_URL";

  private TestDatabases() {}

  public static Database.Settings h2(Path dir) {
    return Database.Settings.h2File(dir, 8);
  }

  /** The configured PostgreSQL URL, or a test failure that says how to get one. */
  public static String postgresUrl() {
    String url = System.getenv(POSTGRES_URL_VARIABLE);
    if (url == null || url.isBlank()) {
      fail(POSTGRES_URL_VARIABLE + " is not set: the PostgreSQL storage tests need a running PostgreSQL. "
          + "Run `export " + POSTGRES_URL_VARIABLE + "=$(.ci/start-postgres)` (as root; installs nothing, "
          + "starts the Debian cluster on loopback), or run .ci/run, which does it.");
    }
    return url;
  }

  /** A fresh, empty schema in the test PostgreSQL; {@link #dropSchema} removes it. */
  public static Database.Settings freshPostgresSchema(int poolSize) {
    String url = postgresUrl();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      fail("cannot reach the test PostgreSQL at " + POSTGRES_URL_VARIABLE + ": " + e.getMessage());
    }
    return new Database.Settings(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, "", "", poolSize);
  }

  public static void dropSchema(Database.Settings s) {
    String url = s.url();
    int at = url.indexOf("currentSchema=");
    if (at < 0) {
      return;
    }
    String schema = url.substring(at + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test schema " + schema, e);
    }
  }
}
