package com.oversoc.mesh.coordinator.store;

import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.SecretToken;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.google.protobuf.ByteString;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every read and write of the coordinator's state, each write one transaction together with its
 * audit event. Blocking JDBC: callers run it on a blocking executor, never on an actor thread.
 * The same code runs on H2 and PostgreSQL (the storage test suite runs against both).
 */
public final class CoordinatorStore {
  /** Actor name of the coordinator's own actions (ephemeral node cleanup, first start). */
  public static final String SYSTEM_ACTOR = "coordinator";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String NODE_COLUMNS = "node_id, machine_key, node_key, node_key_expires_at, previous_node_key, "
      + "previous_key_valid_until, name, tenant, role, tags, ephemeral, preauth_key_id, created_at, last_seen_at, "
      + "endpoints, home_relay, revoked_at, revoked_reason, row_version";
  private static final String KEY_COLUMNS = "key_id, tenant, role, tags, reusable, ephemeral, description, created_at, "
      + "created_by, expires_at, revoked_at, used_at, use_count";

  private final Database db;

  public CoordinatorStore(Database db) {
    this.db = db;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException, ControlException;
  }

  private <T> T tx(Work<T> work) throws ControlException {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | ControlException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("store: " + e.getMessage(), e);
    }
  }

  /** A transaction that raises no protocol errors. */
  private <T> T plain(Work<T> work) {
    try {
      return tx(work);
    } catch (ControlException e) {
      throw new IllegalStateException("no protocol error expected here", e);
    }
  }

  // ---- mesh settings ----

  /** The stored value of {@code name}, storing {@code proposed} first if there is none (race-safe). */
  public String settingOrInit(String name, String proposed) {
    return plain(c -> {
      Optional<String> existing = setting(c, name);
      if (existing.isPresent()) {
        return existing.get();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mesh_settings (setting_name, setting_value) VALUES (?, ?)")) {
        ps.setString(1, name);
        ps.setString(2, proposed);
        ps.executeUpdate();
        return proposed;
      }
    });
  }

  private static Optional<String> setting(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM mesh_settings WHERE setting_name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  // ---- pre-auth keys ----

  /** What an administrator asks for when creating a pre-auth key. */
  public record NewPreAuthKey(
      String tenant, NodeRole role, List<String> tags, boolean reusable, boolean ephemeral, String description,
      Instant expiresAt) {}

  public PreAuthKeyRecord createPreAuthKey(SecretToken token, NewPreAuthKey k, String actor, Instant now) {
    Instant at = ms(now);
    return plain(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO preauth_keys (key_id, secret_hash, tenant, role, "
          + "tags, reusable, ephemeral, description, created_at, created_by, expires_at, use_count) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
        ps.setString(1, token.id());
        ps.setString(2, HexFormat.of().formatHex(token.hash()));
        ps.setString(3, k.tenant());
        ps.setString(4, roleText(k.role()));
        ps.setString(5, String.join(",", k.tags()));
        ps.setBoolean(6, k.reusable());
        ps.setBoolean(7, k.ephemeral());
        ps.setString(8, k.description());
        setTime(ps, 9, at);
        ps.setString(10, actor);
        setTime(ps, 11, ms(k.expiresAt()));
        ps.executeUpdate();
      }
      audit(c, at, actor, "preauth_key.create", "preauth_key:" + token.id(),
          "tenant=" + k.tenant() + " role=" + roleText(k.role()) + " tags=" + String.join(",", k.tags())
              + " reusable=" + k.reusable() + " ephemeral=" + k.ephemeral() + " expires=" + ms(k.expiresAt()));
      return preAuthKey(c, token.id()).orElseThrow();
    });
  }

  public List<PreAuthKeyRecord> preAuthKeys() {
    return plain(c -> list(c, "SELECT " + KEY_COLUMNS + " FROM preauth_keys ORDER BY created_at, key_id",
        CoordinatorStore::preAuthKey));
  }

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> list(Connection c, String sql, Row<T> row) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.read(rs));
      }
      return out;
    }
  }

  public Optional<PreAuthKeyRecord> preAuthKey(String keyId) {
    return plain(c -> preAuthKey(c, keyId));
  }

  private static Optional<PreAuthKeyRecord> preAuthKey(Connection c, String keyId) throws SQLException {
    return one(c, "SELECT " + KEY_COLUMNS + " FROM preauth_keys WHERE key_id = ?", keyId, CoordinatorStore::preAuthKey);
  }

  /** The row the query with one parameter finds, if any. */
  private static <T> Optional<T> one(Connection c, String sql, Object param, Row<T> row) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Revokes a pre-auth key so that it enrolls nothing more; with {@code cascade}, also revokes
   * every node enrolled with it.
   *
   * @return the ids of the nodes revoked by the cascade; empty if the key does not exist
   *     (see {@link #preAuthKey})
   */
  public List<Long> revokePreAuthKey(String keyId, boolean cascade, String actor, Instant now) {
    Instant at = ms(now);
    return plain(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE preauth_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL")) {
        setTime(ps, 1, at);
        ps.setString(2, keyId);
        ps.executeUpdate();
      }
      audit(c, at, actor, "preauth_key.revoke", "preauth_key:" + keyId, "cascade=" + cascade);
      List<Long> revoked = new ArrayList<>();
      if (cascade) {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT node_id FROM nodes WHERE preauth_key_id = ? AND revoked_at IS NULL ORDER BY node_id")) {
          ps.setString(1, keyId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              revoked.add(rs.getLong(1));
            }
          }
        }
        for (long id : revoked) {
          revokeNode(c, id, "pre-auth key " + keyId + " revoked", actor, at);
        }
      }
      return revoked;
    });
  }

  // ---- enrollment ----

  /**
   * A registration that has passed every check outside the store (format, proof of possession).
   *
   * @param name the node's name, already validated
   */
  public record Enrollment(SecretToken authKey, MachinePublicKey machineKey, NodePublicKey nodeKey, String name) {}

  /**
   * Enrolls a node in one transaction: checks the pre-auth key, consumes it if it is one-off
   * (a conditional UPDATE that only one of any number of racing transactions can win), inserts
   * the node and its first key, and records the audit event. Nothing is written if any step fails.
   *
   * @throws ControlException AUTH_KEY_UNKNOWN (no such key, or wrong secret: the two are not told
   *     apart), AUTH_KEY_REVOKED, AUTH_KEY_EXPIRED, AUTH_KEY_USED, NODE_KEY_IN_USE
   */
  public NodeRecord enroll(Enrollment e, Duration nodeKeyLifetime, Instant now) throws ControlException {
    Instant at = ms(now);
    return tx(c -> {
      byte[] storedHash;
      PreAuthKeyRecord key;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT secret_hash, " + KEY_COLUMNS + " FROM preauth_keys WHERE key_id = ?")) {
        ps.setString(1, e.authKey().id());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new ControlException(ControlError.Code.AUTH_KEY_UNKNOWN, "the pre-auth key is not known");
          }
          storedHash = HexFormat.of().parseHex(rs.getString("secret_hash"));
          key = preAuthKey(rs);
        }
      }
      if (!e.authKey().matches(storedHash)) {
        throw new ControlException(ControlError.Code.AUTH_KEY_UNKNOWN, "the pre-auth key is not known");
      }
      if (key.revokedAt().isPresent()) {
        throw new ControlException(ControlError.Code.AUTH_KEY_REVOKED, "the pre-auth key " + key.keyId() + " was revoked");
      }
      if (!at.isBefore(key.expiresAt())) {
        throw new ControlException(ControlError.Code.AUTH_KEY_EXPIRED,
            "the pre-auth key " + key.keyId() + " expired at " + key.expiresAt());
      }
      String consume = key.reusable()
          ? "UPDATE preauth_keys SET use_count = use_count + 1, used_at = ? WHERE key_id = ? AND revoked_at IS NULL"
          : "UPDATE preauth_keys SET use_count = use_count + 1, used_at = ? WHERE key_id = ? AND revoked_at IS NULL "
              + "AND used_at IS NULL";
      try (PreparedStatement ps = c.prepareStatement(consume)) {
        setTime(ps, 1, at);
        ps.setString(2, key.keyId());
        if (ps.executeUpdate() != 1) {
          throw new ControlException(ControlError.Code.AUTH_KEY_USED,
              "the one-off pre-auth key " + key.keyId() + " was already used");
        }
      }
      long nodeId;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO nodes (machine_key, node_key, node_key_expires_at, "
          + "name, tenant, role, tags, ephemeral, preauth_key_id, created_at, last_seen_at, endpoints, home_relay, "
          + "row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, 1)", new String[] {"node_id"})) {
        ps.setString(1, e.machineKey().toBase64());
        ps.setString(2, e.nodeKey().toBase64());
        setTime(ps, 3, at.plus(nodeKeyLifetime));
        ps.setString(4, e.name());
        ps.setString(5, key.tenant());
        ps.setString(6, roleText(key.role()));
        ps.setString(7, String.join(",", key.tags()));
        ps.setBoolean(8, key.ephemeral());
        ps.setString(9, key.keyId());
        setTime(ps, 10, at);
        setTime(ps, 11, at);
        ps.executeUpdate();
        try (ResultSet rs = ps.getGeneratedKeys()) {
          rs.next();
          nodeId = rs.getLong(1);
        }
      } catch (SQLException ex) {
        throw uniqueViolation(ex, "the machine key or node key is already enrolled");
      }
      insertNodeKey(c, e.nodeKey(), nodeId, at);
      audit(c, at, "node:" + nodeId, "node.enroll", "node:" + nodeId,
          "name=" + e.name() + " machine=" + e.machineKey().shortString() + " preauth_key=" + key.keyId()
              + " tenant=" + key.tenant() + " role=" + roleText(key.role()));
      return node(c, nodeId).orElseThrow();
    });
  }

  private static void insertNodeKey(Connection c, NodePublicKey key, long nodeId, Instant at)
      throws SQLException, ControlException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO node_keys (node_key, node_id, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, key.toBase64());
      ps.setLong(2, nodeId);
      setTime(ps, 3, at);
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw uniqueViolation(ex, "node key " + key.shortString() + " was already used by a node");
    }
  }

  private static ControlException uniqueViolation(SQLException ex, String message) throws SQLException {
    if (UNIQUE_VIOLATION.equals(ex.getSQLState())) {
      return new ControlException(ControlError.Code.NODE_KEY_IN_USE, message);
    }
    throw ex;
  }

  // ---- nodes ----

  public Optional<NodeRecord> node(long nodeId) {
    return plain(c -> node(c, nodeId));
  }

  private static Optional<NodeRecord> node(Connection c, long nodeId) throws SQLException {
    return one(c, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE node_id = ?", nodeId, CoordinatorStore::node);
  }

  public Optional<NodeRecord> nodeByMachineKey(MachinePublicKey machineKey) {
    return plain(c -> one(c, "SELECT " + NODE_COLUMNS + " FROM nodes WHERE machine_key = ?", machineKey.toBase64(),
        CoordinatorStore::node));
  }

  /** Every node, revoked ones included, in id order. */
  public List<NodeRecord> nodes() {
    return plain(c -> list(c, "SELECT " + NODE_COLUMNS + " FROM nodes ORDER BY node_id", CoordinatorStore::node));
  }

  /** Revokes a node; returns false if there is no such node or it was already revoked. */
  public boolean revokeNode(long nodeId, String reason, String actor, Instant now) {
    return plain(c -> revokeNode(c, nodeId, reason, actor, ms(now)));
  }

  private static boolean revokeNode(Connection c, long nodeId, String reason, String actor, Instant at)
      throws SQLException {
    int n;
    try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET revoked_at = ?, revoked_reason = ?, "
        + "row_version = row_version + 1 WHERE node_id = ? AND revoked_at IS NULL")) {
      setTime(ps, 1, at);
      ps.setString(2, reason);
      ps.setLong(3, nodeId);
      n = ps.executeUpdate();
    }
    if (n == 1) {
      audit(c, at, actor, "node.revoke", "node:" + nodeId, "reason=" + reason);
    }
    return n == 1;
  }

  /**
   * Replaces the node key: the current key becomes the previous one, accepted until
   * {@code now + overlap}; the new key is valid for {@code lifetime}.
   *
   * @throws ControlException NODE_KEY_IN_USE if the new key was ever used; NODE_REVOKED if the
   *     node was revoked meanwhile
   */
  public NodeRecord rotateNodeKey(long nodeId, NodePublicKey newKey, Duration lifetime, Duration overlap, Instant now)
      throws ControlException {
    Instant at = ms(now);
    return tx(c -> {
      insertNodeKey(c, newKey, nodeId, at);
      try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET previous_node_key = node_key, "
          + "previous_key_valid_until = ?, node_key = ?, node_key_expires_at = ?, row_version = row_version + 1 "
          + "WHERE node_id = ? AND revoked_at IS NULL")) {
        setTime(ps, 1, at.plus(overlap));
        ps.setString(2, newKey.toBase64());
        setTime(ps, 3, at.plus(lifetime));
        ps.setLong(4, nodeId);
        if (ps.executeUpdate() != 1) {
          throw new ControlException(ControlError.Code.NODE_REVOKED, "node " + nodeId + " is revoked");
        }
      }
      audit(c, at, "node:" + nodeId, "node.rotate_key", "node:" + nodeId, "new_key=" + newKey.shortString());
      return node(c, nodeId).orElseThrow();
    });
  }

  /** Records what the node reported; returns the updated row, or empty if it is gone or revoked. */
  public Optional<NodeRecord> updateEndpoints(long nodeId, List<IpEndpoint> endpoints, int homeRelay, Instant now) {
    Instant at = ms(now);
    return plain(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET endpoints = ?, home_relay = ?, "
          + "last_seen_at = ?, row_version = row_version + 1 WHERE node_id = ? AND revoked_at IS NULL")) {
        ps.setString(1, endpointsText(endpoints));
        ps.setInt(2, homeRelay);
        setTime(ps, 3, at);
        ps.setLong(4, nodeId);
        if (ps.executeUpdate() != 1) {
          return Optional.empty();
        }
      }
      return node(c, nodeId);
    });
  }

  /** Marks connected nodes as seen now (batched; last_seen drives ephemeral cleanup). */
  public void touch(List<Long> nodeIds, Instant now) {
    if (nodeIds.isEmpty()) {
      return;
    }
    plain(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE nodes SET last_seen_at = ? WHERE node_id = ?")) {
        for (long id : nodeIds) {
          setTime(ps, 1, ms(now));
          ps.setLong(2, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Deletes ephemeral nodes not seen since {@code cutoff} (and not connected anywhere, which the
   * caller guarantees by touching connected nodes more often than the timeout).
   *
   * @return the deleted node ids
   */
  public List<Long> removeOfflineEphemeral(Instant cutoff, Instant now) {
    return plain(c -> {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT node_id FROM nodes WHERE ephemeral AND last_seen_at < ? ORDER BY node_id")) {
        setTime(ps, 1, ms(cutoff));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
      for (long id : ids) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM nodes WHERE node_id = ?")) {
          ps.setLong(1, id);
          ps.executeUpdate();
        }
        audit(c, ms(now), SYSTEM_ACTOR, "node.remove_ephemeral", "node:" + id, "offline since before " + ms(cutoff));
      }
      return ids;
    });
  }

  // ---- policy ----

  public Optional<PolicyRecord> currentPolicy() {
    return plain(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT version, document, created_at, created_by FROM policies ORDER BY version DESC LIMIT 1");
           ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new PolicyRecord(rs.getLong(1), rs.getString(2), time(rs, 3), rs.getString(4)))
            : Optional.empty();
      }
    });
  }

  /** Stores a new version of the (already validated) policy document and returns it. */
  public PolicyRecord setPolicy(String document, String actor, Instant now) {
    Instant at = ms(now);
    return plain(c -> {
      long version;
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM policies")) {
        rs.next();
        version = rs.getLong(1);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO policies (version, document, created_at, created_by) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, version);
        ps.setString(2, document);
        setTime(ps, 3, at);
        ps.setString(4, actor);
        ps.executeUpdate();
      }
      audit(c, at, actor, "policy.set", "policy:" + version, "bytes=" + document.length());
      return new PolicyRecord(version, document, at, actor);
    });
  }

  // ---- admin tokens ----

  /** Stores a new admin token (hashed) and audits it. */
  public void createAdminToken(SecretToken token, String name, String actor, Instant now) {
    Instant at = ms(now);
    plain(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO admin_tokens (token_id, secret_hash, name, created_at) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, token.id());
        ps.setString(2, HexFormat.of().formatHex(token.hash()));
        ps.setString(3, name);
        setTime(ps, 4, at);
        ps.executeUpdate();
      }
      audit(c, at, actor, "admin_token.create", "admin_token:" + token.id(), "name=" + name);
      return null;
    });
  }

  public long adminTokenCount() {
    return plain(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM admin_tokens")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** True if {@code token} is a stored, unrevoked admin token (hash compared in constant time). */
  public boolean isValidAdminToken(SecretToken token) {
    return plain(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT secret_hash FROM admin_tokens WHERE token_id = ? AND revoked_at IS NULL")) {
        ps.setString(1, token.id());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && token.matches(HexFormat.of().parseHex(rs.getString(1)));
        }
      }
    });
  }

  // ---- audit ----

  /** Records an event outside any other write (admin reads that are worth recording). */
  public void audit(String actor, String action, String target, String detail, Instant now) {
    plain(c -> {
      audit(c, ms(now), actor, action, target, detail);
      return null;
    });
  }

  /** The newest {@code limit} events, newest first. */
  public List<AuditEvent> auditEvents(int limit) {
    return plain(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT event_id, occurred_at, actor, action, target, detail FROM audit_events ORDER BY event_id DESC LIMIT ?")) {
        ps.setInt(1, limit);
        try (ResultSet rs = ps.executeQuery()) {
          List<AuditEvent> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new AuditEvent(rs.getLong(1), time(rs, 2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6)));
          }
          return out;
        }
      }
    });
  }

  private static void audit(Connection c, Instant at, String actor, String action, String target, String detail)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO audit_events (occurred_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")) {
      setTime(ps, 1, at);
      ps.setString(2, actor);
      ps.setString(3, action);
      ps.setString(4, target);
      ps.setString(5, detail.length() > 2048 ? detail.substring(0, 2048) : detail);
      ps.executeUpdate();
    }
  }

  // ---- row mapping ----

  private static NodeRecord node(ResultSet rs) throws SQLException {
    String prev = rs.getString("previous_node_key");
    return new NodeRecord(
        rs.getLong("node_id"),
        MachinePublicKey.parse(rs.getString("machine_key")),
        NodePublicKey.parse(rs.getString("node_key")),
        time(rs, "node_key_expires_at"),
        prev == null ? Optional.empty() : Optional.of(NodePublicKey.parse(prev)),
        Optional.ofNullable(timeOrNull(rs, "previous_key_valid_until")),
        rs.getString("name"),
        rs.getString("tenant"),
        roleOf(rs.getString("role")),
        tags(rs.getString("tags")),
        rs.getBoolean("ephemeral"),
        rs.getString("preauth_key_id"),
        time(rs, "created_at"),
        time(rs, "last_seen_at"),
        endpoints(rs.getString("endpoints")),
        rs.getInt("home_relay"),
        Optional.ofNullable(timeOrNull(rs, "revoked_at")),
        Optional.ofNullable(rs.getString("revoked_reason")),
        rs.getLong("row_version"));
  }

  private static PreAuthKeyRecord preAuthKey(ResultSet rs) throws SQLException {
    return new PreAuthKeyRecord(
        rs.getString("key_id"),
        rs.getString("tenant"),
        roleOf(rs.getString("role")),
        tags(rs.getString("tags")),
        rs.getBoolean("reusable"),
        rs.getBoolean("ephemeral"),
        rs.getString("description"),
        time(rs, "created_at"),
        rs.getString("created_by"),
        time(rs, "expires_at"),
        Optional.ofNullable(timeOrNull(rs, "revoked_at")),
        Optional.ofNullable(timeOrNull(rs, "used_at")),
        rs.getInt("use_count"));
  }

  private static List<String> tags(String s) {
    return s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  /** "gateway", "platform" or "relay": the role's name in the store, the admin API and the CLI. */
  public static String roleText(NodeRole role) {
    return switch (role) {
      case NODE_ROLE_GATEWAY -> "gateway";
      case NODE_ROLE_PLATFORM -> "platform";
      case NODE_ROLE_RELAY -> "relay";
      default -> throw new IllegalArgumentException("not a node role: " + role);
    };
  }

  /** @throws IllegalArgumentException naming the accepted roles */
  public static NodeRole roleOf(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "gateway" -> NodeRole.NODE_ROLE_GATEWAY;
      case "platform" -> NodeRole.NODE_ROLE_PLATFORM;
      case "relay" -> NodeRole.NODE_ROLE_RELAY;
      default -> throw new IllegalArgumentException("'" + text + "' is not a role; accepted: gateway, platform, relay");
    };
  }

  static String endpointsText(List<IpEndpoint> endpoints) {
    StringBuilder sb = new StringBuilder();
    for (IpEndpoint e : endpoints) {
      IpLiteral ip = IpLiteral.ofBytes(e.getIp().toByteArray());
      sb.append(sb.isEmpty() ? "" : " ").append(ip.isIpv4() ? ip + ":" : "[" + ip + "]:").append(e.getPort());
    }
    return sb.toString();
  }

  static List<IpEndpoint> endpoints(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(text.split(" ")).map(t -> {
      int colon = t.lastIndexOf(':');
      String host = t.substring(0, colon);
      IpLiteral ip = IpLiteral.parse(host);
      return IpEndpoint.newBuilder().setIp(ByteString.copyFrom(ip.bytes()))
          .setPort(Integer.parseInt(t.substring(colon + 1))).build();
    }).toList();
  }

  /** Stored times have millisecond precision, the precision of the wire. */
  static Instant ms(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS);
  }

  private static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
    ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  private static Instant time(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Instant time(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Instant timeOrNull(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

}
