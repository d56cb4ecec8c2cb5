package com.oversoc.mesh.coordinator.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The coordinator's JDBC database: a connection pool plus the Flyway migrations in
 * {@code db/migration}, applied at open. Embedded H2 (a file in the state directory) needs no
 * setup; PostgreSQL is for production and for replicas that share one store.
 */
public final class Database implements AutoCloseable {
  /** File name (without H2's ".mv.db") of the embedded database inside the state directory. */
  public static final String H2_FILE_NAME = "coordinator";
  /**
   * H2 speaks PostgreSQL's dialect closely enough for one set of migrations and queries. Lock
   * waits get 10 s rather than H2's 1 s so that a burst of racing registrations queues on the
   * one-off key's row lock instead of failing.
   */
  private static final String H2_OPTIONS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";

  /**
   * Where and how to connect.
   *
   * @param url a JDBC URL: {@code jdbc:postgresql://...} or {@code jdbc:h2:...}
   * @param poolSize most open connections; registrations and admin calls queue beyond it
   */
  public record Settings(String url, String user, String password, int poolSize) {
    /** The default embedded store: an H2 file in {@code stateDir}. */
    public static Settings h2File(Path stateDir, int poolSize) {
      return new Settings(h2Url(stateDir), "", "", poolSize);
    }

    @Override
    public String toString() {
      return "Database.Settings[" + url + ", user " + user + ", pool " + poolSize + "]";
    }
  }

  private static final String H2_FILE_PREFIX = "jdbc:h2:file:";
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

  private final HikariDataSource pool;

  private Database(HikariDataSource pool) {
    this.pool = pool;
  }

  public static String h2Url(Path stateDir) {
    return H2_FILE_PREFIX + stateDir.toAbsolutePath().resolve(H2_FILE_NAME) + H2_OPTIONS;
  }

  /** Opens the pool and migrates the schema to the newest version. */
  public static Database open(Settings s) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(s.url().startsWith("jdbc:h2:") && !s.url().contains("MODE=") ? s.url() + H2_OPTIONS : s.url());
    if (!s.user().isEmpty()) {
      c.setUsername(s.user());
    }
    if (!s.password().isEmpty()) {
      c.setPassword(s.password());
    }
    c.setMaximumPoolSize(s.poolSize());
    c.setPoolName("ovsgw-coordinator-db");
    c.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(c);
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(pool)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      restrictH2Files(s.url());
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool);
  }

  /**
   * An embedded database holds the coordinator's node records and key hashes: its files are made
   * owner-only (0600), like every other file in the state directory. H2 creates them with the
   * process's umask and then writes them in place, so once is enough per start.
   */
  private static void restrictH2Files(String url) {
    if (!url.startsWith(H2_FILE_PREFIX)) {
      return;
    }
    int options = url.indexOf(';');
    Path base = Path.of(url.substring(H2_FILE_PREFIX.length(), options < 0 ? url.length() : options));
    Path dir = base.toAbsolutePath().getParent();
    String prefix = base.getFileName() + ".";
    try (var files = java.nio.file.Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        java.nio.file.Files.setPosixFilePermissions(f, OWNER_ONLY);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot make the embedded database's files in " + dir + " owner-only: "
          + e.getMessage(), e);
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
