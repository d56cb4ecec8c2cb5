package com.oversoc.mesh.coordinator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.MapValidation;
import com.oversoc.mesh.protocol.control.SecretToken;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage suite. Every backend runs exactly these tests (H2 and PostgreSQL subclasses only
 * say where the database is), so the SQL has one meaning on both.
 */
abstract class StoreContract {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  /** Registrations racing for one one-off key in the race test. */
  static final int RACERS = 32;

  final SecureRandom random = new SecureRandom();
  Database.Settings settings;
  Database db;
  CoordinatorStore store;

  /** A fresh, empty database for one test. */
  abstract Database.Settings freshDatabase();

  /** Removes what {@link #freshDatabase} made. */
  void dropDatabase(Database.Settings s) {}

  @BeforeEach
  void open() {
    settings = freshDatabase();
    db = Database.open(settings);
    store = new CoordinatorStore(db);
  }

  @AfterEach
  void close() {
    db.close();
    dropDatabase(settings);
  }

  SecretToken newKey(boolean reusable, boolean ephemeral, Instant expires) {
    SecretToken t = SecretToken.generate(SecretToken.Kind.PRE_AUTH_KEY, random);
    store.createPreAuthKey(t, new CoordinatorStore.NewPreAuthKey("acme", NodeRole.NODE_ROLE_GATEWAY,
        List.of("dmz", "eu"), reusable, ephemeral, "for tests", expires), "admin:t1", NOW);
    return t;
  }

  NodeRecord enroll(SecretToken key) throws ControlException {
    return store.enroll(new CoordinatorStore.Enrollment(key, MachinePrivateKey.generate(random).publicKey(),
        NodePrivateKey.generate(random).publicKey(), "node"), Duration.ofDays(30), NOW);
  }

  @Test
  void preAuthKeysAreStoredHashedWithTheirAttributes() throws Exception {
    SecretToken t = newKey(false, true, NOW.plus(Duration.ofDays(1)));
    PreAuthKeyRecord r = store.preAuthKey(t.id()).orElseThrow();
    assertEquals("acme", r.tenant());
    assertEquals(NodeRole.NODE_ROLE_GATEWAY, r.role());
    assertEquals(List.of("dmz", "eu"), r.tags());
    assertTrue(r.ephemeral());
    assertFalse(r.reusable());
    assertEquals("valid", r.state(NOW));
    assertEquals("expired", r.state(NOW.plus(Duration.ofDays(2))));
    try (var c = db.dataSource().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT secret_hash FROM preauth_keys")) {
      rs.next();
      String stored = rs.getString(1);
      assertEquals(HexFormat.of().formatHex(t.hash()), stored);
      assertFalse(t.reveal().contains(stored), "the secret is not stored");
    }
  }

  @Test
  void enrollmentChecksTheKeyAndRecordsTheNodeAndAnAuditEvent() throws Exception {
    SecretToken key = newKey(false, false, NOW.plus(Duration.ofDays(1)));
    NodeRecord n = enroll(key);
    assertEquals("acme", n.tenant());
    assertEquals(List.of("dmz", "eu"), n.tags());
    assertEquals(NOW.plus(Duration.ofDays(30)), n.nodeKeyExpiresAt());
    assertEquals(1, n.rowVersion());
    assertEquals("used", store.preAuthKey(key.id()).orElseThrow().state(NOW));
    assertEquals(ControlError.Code.AUTH_KEY_USED, assertThrows(ControlException.class, () -> enroll(key)).code());
    assertTrue(store.auditEvents(10).stream().anyMatch(e -> e.action().equals("node.enroll")
        && e.target().equals("node:" + n.nodeId())));
    assertTrue(store.auditEvents(10).stream().anyMatch(e -> e.action().equals("preauth_key.create")
        && e.actor().equals("admin:t1")));
  }

  @Test
  void expiredRevokedAndForgedKeysEnrollNothing() throws Exception {
    SecretToken expired = newKey(true, false, NOW.minusSeconds(1));
    assertEquals(ControlError.Code.AUTH_KEY_EXPIRED, assertThrows(ControlException.class, () -> enroll(expired)).code());
    SecretToken revoked = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    store.revokePreAuthKey(revoked.id(), false, "admin:t1", NOW);
    assertEquals(ControlError.Code.AUTH_KEY_REVOKED, assertThrows(ControlException.class, () -> enroll(revoked)).code());
    SecretToken unknown = SecretToken.generate(SecretToken.Kind.PRE_AUTH_KEY, random);
    assertEquals(ControlError.Code.AUTH_KEY_UNKNOWN, assertThrows(ControlException.class, () -> enroll(unknown)).code());
    SecretToken real = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    SecretToken forged = SecretToken.parse(SecretToken.Kind.PRE_AUTH_KEY,
        "ovsgw-key-" + real.id() + "-" + SecretToken.generate(SecretToken.Kind.PRE_AUTH_KEY, random).reveal()
            .substring("ovsgw-key-".length() + 17));
    assertEquals(ControlError.Code.AUTH_KEY_UNKNOWN, assertThrows(ControlException.class, () -> enroll(forged)).code());
    assertTrue(store.nodes().isEmpty());
  }

  @Test
  void manyRacingRegistrationsWithOneOneOffKeyEnrollExactlyOneNode() throws Exception {
    SecretToken key = newKey(false, false, NOW.plus(Duration.ofDays(1)));
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    CountDownLatch go = new CountDownLatch(1);
    Map<ControlError.Code, AtomicInteger> failures = new ConcurrentHashMap<>();
    AtomicInteger wins = new AtomicInteger();
    List<Future<?>> all = new ArrayList<>();
    try {
      for (int i = 0; i < RACERS; i++) {
        all.add(pool.submit((Callable<Void>) () -> {
          go.await();
          try {
            enroll(key);
            wins.incrementAndGet();
          } catch (ControlException e) {
            failures.computeIfAbsent(e.code(), c -> new AtomicInteger()).incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, wins.get(), "exactly one registration wins; failures: " + failures);
    assertEquals(RACERS - 1, failures.get(ControlError.Code.AUTH_KEY_USED).get(), failures.toString());
    assertEquals(1, store.nodes().size());
    assertEquals(1, store.preAuthKey(key.id()).orElseThrow().useCount());
  }

  @Test
  void aReusableKeyEnrollsManyAndCountsThem() throws Exception {
    SecretToken key = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    NodeRecord a = enroll(key);
    NodeRecord b = enroll(key);
    assertNotEquals(a.nodeId(), b.nodeId());
    assertEquals(2, store.preAuthKey(key.id()).orElseThrow().useCount());
  }

  @Test
  void aMachineOrNodeKeyEnrollsOnce() throws Exception {
    SecretToken key = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    NodeRecord a = enroll(key);
    ControlException again = assertThrows(ControlException.class, () -> store.enroll(
        new CoordinatorStore.Enrollment(key, a.machineKey(), NodePrivateKey.generate(random).publicKey(), "x"),
        Duration.ofDays(1), NOW));
    assertEquals(ControlError.Code.NODE_KEY_IN_USE, again.code());
    ControlException sameNodeKey = assertThrows(ControlException.class, () -> store.enroll(
        new CoordinatorStore.Enrollment(key, MachinePrivateKey.generate(random).publicKey(), a.nodeKey(), "x"),
        Duration.ofDays(1), NOW));
    assertEquals(ControlError.Code.NODE_KEY_IN_USE, sameNodeKey.code());
    assertEquals(1, store.preAuthKey(key.id()).orElseThrow().useCount(), "failed enrollments consume nothing");
  }

  @Test
  void rotationKeepsThePreviousKeyForTheOverlapAndNeverReusesAKey() throws Exception {
    NodeRecord n = enroll(newKey(false, false, NOW.plus(Duration.ofDays(1))));
    NodePublicKey next = NodePrivateKey.generate(random).publicKey();
    NodeRecord r = store.rotateNodeKey(n.nodeId(), next, Duration.ofDays(30), Duration.ofMinutes(5),
        NOW.plusSeconds(60));
    assertEquals(next, r.nodeKey());
    assertEquals(n.nodeKey(), r.previousNodeKey().orElseThrow());
    assertEquals(NOW.plusSeconds(60 + 300), r.previousKeyValidUntil().orElseThrow());
    assertEquals(NOW.plusSeconds(60).plus(Duration.ofDays(30)), r.nodeKeyExpiresAt());
    assertTrue(r.rowVersion() > n.rowVersion());
    assertEquals(ControlError.Code.NODE_KEY_IN_USE, assertThrows(ControlException.class,
        () -> store.rotateNodeKey(n.nodeId(), n.nodeKey(), Duration.ofDays(1), Duration.ofMinutes(5), NOW)).code());
    assertTrue(store.auditEvents(5).stream().anyMatch(e -> e.action().equals("node.rotate_key")));
  }

  @Test
  void revokingANodeIsFinalAndAudited() throws Exception {
    NodeRecord n = enroll(newKey(false, false, NOW.plus(Duration.ofDays(1))));
    assertTrue(store.revokeNode(n.nodeId(), "stolen laptop", "admin:t1", NOW));
    assertFalse(store.revokeNode(n.nodeId(), "again", "admin:t1", NOW));
    NodeRecord r = store.node(n.nodeId()).orElseThrow();
    assertTrue(r.isRevoked());
    assertEquals("stolen laptop", r.revokedReason().orElseThrow());
    assertEquals(ControlError.Code.NODE_REVOKED, assertThrows(ControlException.class,
        () -> store.rotateNodeKey(n.nodeId(), NodePrivateKey.generate(random).publicKey(), Duration.ofDays(1),
            Duration.ofMinutes(5), NOW)).code());
    assertEquals("node.revoke", store.auditEvents(1).get(0).action());
    assertEquals("admin:t1", store.auditEvents(1).get(0).actor());
  }

  @Test
  void revokingAKeyWithCascadeRevokesItsNodesOnly() throws Exception {
    SecretToken k1 = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    SecretToken k2 = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    NodeRecord a = enroll(k1);
    NodeRecord b = enroll(k1);
    NodeRecord c = enroll(k2);
    assertEquals(List.of(a.nodeId(), b.nodeId()), store.revokePreAuthKey(k1.id(), true, "admin:t1", NOW));
    assertFalse(store.node(c.nodeId()).orElseThrow().isRevoked());
    assertEquals("revoked", store.preAuthKey(k1.id()).orElseThrow().state(NOW));
  }

  @Test
  void endpointsAndLastSeenAreStored() throws Exception {
    NodeRecord n = enroll(newKey(false, false, NOW.plus(Duration.ofDays(1))));
    var eps = List.of(MapValidation.endpoint(IpLiteral.parse("198.51.100.7"), 41641),
        MapValidation.endpoint(IpLiteral.parse("2001:db8::7"), 41641));
    NodeRecord r = store.updateEndpoints(n.nodeId(), eps, 3, NOW.plusSeconds(5)).orElseThrow();
    assertEquals(eps, r.endpoints());
    assertEquals(3, r.homeRelay());
    store.touch(List.of(n.nodeId()), NOW.plusSeconds(9));
    assertEquals(NOW.plusSeconds(9), store.node(n.nodeId()).orElseThrow().lastSeenAt());
  }

  @Test
  void ephemeralNodesOfflineTooLongAreRemoved() throws Exception {
    NodeRecord eph = enroll(newKey(true, true, NOW.plus(Duration.ofDays(1))));
    NodeRecord kept = enroll(newKey(true, false, NOW.plus(Duration.ofDays(1))));
    assertEquals(List.of(), store.removeOfflineEphemeral(NOW.minusSeconds(1), NOW));
    assertEquals(List.of(eph.nodeId()), store.removeOfflineEphemeral(NOW.plusSeconds(1), NOW.plusSeconds(1)));
    assertTrue(store.node(eph.nodeId()).isEmpty());
    assertTrue(store.node(kept.nodeId()).isPresent());
  }

  @Test
  void policyVersionsAccumulate() {
    assertTrue(store.currentPolicy().isEmpty());
    assertEquals(1, store.setPolicy("same-tenant = true", "admin:t1", NOW).version());
    assertEquals(2, store.setPolicy("same-tenant = false", "admin:t1", NOW).version());
    assertEquals("same-tenant = false", store.currentPolicy().orElseThrow().document());
  }

  @Test
  void adminTokensAreStoredHashedAndCheckedInConstantTime() {
    SecretToken t = SecretToken.generate(SecretToken.Kind.ADMIN_TOKEN, random);
    assertEquals(0, store.adminTokenCount());
    store.createAdminToken(t, "first", CoordinatorStore.SYSTEM_ACTOR, NOW);
    assertEquals(1, store.adminTokenCount());
    assertTrue(store.isValidAdminToken(t));
    SecretToken other = SecretToken.parse(SecretToken.Kind.ADMIN_TOKEN, "ovsgw-admin-" + t.id() + "-"
        + SecretToken.generate(SecretToken.Kind.ADMIN_TOKEN, random).reveal().substring("ovsgw-admin-".length() + 17));
    assertFalse(store.isValidAdminToken(other));
  }

  @Test
  void aSettingIsInitialisedOnceAndKept() {
    assertEquals("fd00:1::/48", store.settingOrInit("ula-prefix", "fd00:1::/48"));
    assertEquals("fd00:1::/48", store.settingOrInit("ula-prefix", "fd00:2::/48"));
  }

  @Test
  void everythingSurvivesReopeningTheStore() throws Exception {
    SecretToken key = newKey(true, false, NOW.plus(Duration.ofDays(1)));
    NodeRecord n = enroll(key);
    store.setPolicy("platform-to-platform = true", "admin:t1", NOW);
    db.close();
    db = Database.open(settings);
    store = new CoordinatorStore(db);
    assertEquals(n, store.node(n.nodeId()).orElseThrow());
    assertEquals(1, store.preAuthKey(key.id()).orElseThrow().useCount());
    assertEquals("platform-to-platform = true", store.currentPolicy().orElseThrow().document());
    assertTrue(store.auditEvents(100).size() >= 3);
  }
}
