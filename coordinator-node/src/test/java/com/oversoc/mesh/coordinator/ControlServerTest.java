package com.oversoc.mesh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.coordinator.TestMesh.Node;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.ControlClientSession.State;
import com.oversoc.mesh.protocol.control.MeshAddresses;
import com.oversoc.mesh.protocol.control.MapValidation;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control server end to end, through the real framing and client session (H2 store; the
 * restart test also on PostgreSQL).
 */
class ControlServerTest {
  @TempDir Path dir;
  TestMesh mesh;

  @BeforeEach
  void start() {
    mesh = TestMesh.h2(dir);
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  private Node enrolled(String tenant, NodeRole role, String name) {
    Node n = mesh.connect(mesh.key(tenant, role, false, false), name);
    n.awaitState(State.STREAMING);
    return n;
  }

  @Test
  void oneOffKeyEnrollsANodeThatGetsItsAddressesAndAFullMap() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "acme-dmz-1");
    PeerMap map = gw.map();
    assertEquals(1, map.seq());
    assertEquals("acme-dmz-1", map.self().getName());
    assertEquals(NodeRole.NODE_ROLE_GATEWAY, map.self().getRole());
    assertEquals(MeshAddresses.ipv4(gw.nodeId()), IpLiteral.ofBytes(map.self().getIpv4().toByteArray()));
    assertEquals(MeshAddresses.ipv6(mesh.service().ula(), gw.nodeId()),
        IpLiteral.ofBytes(map.self().getIpv6().toByteArray()));
    assertEquals(TestMesh.relayMap().getRegionsCount(), map.relayMap().getRegionsCount());
    assertTrue(map.peers().isEmpty());
    assertEquals(gw.session.nodeKey().publicKey(), map.selfNodeKey());
  }

  @Test
  void reusableKeyEnrollsManyAndTagsAndEphemeralComeFromTheKey() {
    String key = mesh.key("oversoc", NodeRole.NODE_ROLE_PLATFORM, true, true, "soc-eu");
    Node a = mesh.connect(key, "collector-a");
    Node b = mesh.connect(key, "collector-b");
    a.awaitState(State.STREAMING);
    b.awaitState(State.STREAMING);
    assertEquals(List.of("soc-eu"), a.map().self().getTagsList());
    assertTrue(mesh.service().store().node(a.nodeId()).orElseThrow().ephemeral());
    assertEquals(2, mesh.service().store().preAuthKeys().get(0).useCount());
  }

  @Test
  void anEphemeralNodeOfflineLongerThanTheTimeoutLeavesTheStoreAndEveryMapAndADurableOneStays() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node ephemeral = mesh.connect(mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, true), "pf-ephemeral");
    Node durable = mesh.connect(mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false), "pf-durable");
    ephemeral.awaitState(State.STREAMING);
    durable.awaitState(State.STREAMING);
    long ephemeralId = ephemeral.nodeId();
    long durableId = durable.nodeId();
    gw.awaitMap(m -> m.peers().containsKey(ephemeralId) && m.peers().containsKey(durableId), "both platforms");

    // Both platforms go offline; the wall clock moves past the offline timeout.
    ephemeral.connection.close();
    durable.connection.close();
    ephemeral.awaitClosed();
    durable.awaitClosed();
    mesh.clock.advance(mesh.service().settings().ephemeralOfflineTimeout().plusMinutes(1));
    // What the coordinator's periodic last-seen tick runs after touching the connected nodes.
    assertEquals(List.of(ephemeralId), mesh.service().removeOfflineEphemeral());

    gw.awaitMap(m -> !m.peers().containsKey(ephemeralId), "the ephemeral platform left the gateway's map");
    assertTrue(gw.map().peers().containsKey(durableId), "a durable node offline as long stays");
    assertTrue(mesh.service().store().node(ephemeralId).isEmpty(), "and the ephemeral one is gone from the store");
    assertTrue(mesh.service().store().node(durableId).isPresent());
  }

  @Test
  void relayKeyGivesTheActiveKeysFeedAndItFollowsRevocation() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node relay = mesh.connect(MachinePrivateKey.generate(mesh.random), NodePrivateKey.generate(mesh.random),
        Optional.of(mesh.key("oversoc", NodeRole.NODE_ROLE_RELAY, false, false)), "relay-1",
        ControlClientSession.Mode.RELAY, mesh.coordinator);
    relay.awaitState(State.STREAMING);
    TestMesh.await(() -> activeKeys(relay).isActive(gw.session.nodeKey().publicKey(), mesh.clock.instant()),
        "gateway key active for the relay");
    assertFalse(activeKeys(relay).isActive(relay.session.nodeKey().publicKey(), mesh.clock.instant()),
        "relays are not mesh peers");
    mesh.service().revokeNode(gw.nodeId(), "test", "admin:test");
    TestMesh.await(() -> activeKeys(relay).keys().isEmpty(), "revoked key removed from the relay's set");
    com.google.protobuf.ByteString gwKey = com.google.protobuf.ByteString.copyFrom(gw.session.nodeKey().publicKey().bytes());
    // Awaited, not asserted: the session applies a frame before the test's listener records it.
    TestMesh.await(() -> relay.received.stream().anyMatch(m -> m.hasActiveKeys() && m.getActiveKeys().getRevokedList()
        .contains(gwKey)), "the relay is told the key left as a revocation");
  }

  @Test
  void aRevokedRelayIsToldAndLosesTheActiveKeysFeed() {
    Node relay = mesh.connect(MachinePrivateKey.generate(mesh.random), NodePrivateKey.generate(mesh.random),
        Optional.of(mesh.key("oversoc", NodeRole.NODE_ROLE_RELAY, false, false)), "relay-1",
        ControlClientSession.Mode.RELAY, mesh.coordinator);
    relay.awaitState(State.STREAMING);
    assertTrue(mesh.service().revokeNode(relay.nodeId(), "retired", "admin:test"));
    relay.awaitState(State.REVOKED);
    synchronized (relay.session) {
      assertEquals(Optional.of("retired"), relay.session.revokedReason());
    }
    relay.awaitClosed();
    // Keys enrolled afterwards never reach it.
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    gw.awaitState(State.STREAMING);
    assertTrue(activeKeys(relay).keys().isEmpty(), "the revoked relay's last view is the empty set it had");
  }

  @Test
  void onlyRelaysReadTheActiveKeysAndRelaysHaveNoPeerMap() {
    // A gateway that asks for every node key in the mesh is refused and disconnected.
    Node nosy = mesh.connect(MachinePrivateKey.generate(mesh.random), NodePrivateKey.generate(mesh.random),
        Optional.of(mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false)), "nosy",
        ControlClientSession.Mode.RELAY, mesh.coordinator);
    assertEquals(ControlError.Code.FORBIDDEN, nosy.awaitError().code());
    nosy.awaitClosed();
    Node relay = mesh.connect(MachinePrivateKey.generate(mesh.random), NodePrivateKey.generate(mesh.random),
        Optional.of(mesh.key("oversoc", NodeRole.NODE_ROLE_RELAY, false, false)), "relay-1",
        ControlClientSession.Mode.MESH_NODE, mesh.coordinator);
    assertEquals(ControlError.Code.FORBIDDEN, relay.awaitError().code());
  }

  private static com.oversoc.mesh.protocol.control.ActiveKeySet activeKeys(Node relay) {
    synchronized (relay.session) {
      return relay.session.activeKeys().orElseThrow();
    }
  }

  @Test
  void badPreAuthKeysAreRefusedWithTypedErrors() {
    assertEquals(ControlError.Code.AUTH_KEY_MALFORMED, mesh.connect("not-a-key", "n1").awaitError().code());
    String unknown = mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false);
    String forged = unknown.substring(0, unknown.length() - 4) + (unknown.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertEquals(ControlError.Code.AUTH_KEY_UNKNOWN, mesh.connect(forged, "n2").awaitError().code());

    String used = mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false);
    mesh.connect(used, "first").awaitState(State.STREAMING);
    assertEquals(ControlError.Code.AUTH_KEY_USED, mesh.connect(used, "second").awaitError().code());

    String revoked = mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, true, false);
    String id = revoked.substring("ovsgw-key-".length(), "ovsgw-key-".length() + 16);
    assertTrue(mesh.service().revokePreAuthKey(id, false, "admin:test"));
    assertEquals(ControlError.Code.AUTH_KEY_REVOKED, mesh.connect(revoked, "n3").awaitError().code());

    String expiring = mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, true, false);
    mesh.clock.advance(Duration.ofDays(2));
    Node late = mesh.connect(expiring, "n4");
    assertEquals(ControlError.Code.AUTH_KEY_EXPIRED, late.awaitError().code());
    late.awaitState(State.FAILED);
  }

  @Test
  void aClientWhoseClockIsFarOffIsToldSoAndDisconnected() {
    // The coordinator's clock is START; this client's is 10 minutes behind (the limit is 5).
    TestClock behind = new TestClock(TestMesh.START.minus(Duration.ofMinutes(10)));
    ControlClientSession s = new ControlClientSession(ControlClientSession.Mode.MESH_NODE,
        MachinePrivateKey.generate(mesh.random).publicKey(), NodePrivateKey.generate(mesh.random),
        mesh.key.publicKey(), Optional.empty(), "behind", "test");
    List<com.oversoc.mesh.protocol.control.ControlException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    var conn = com.oversoc.mesh.actors.control.ControlClientConnection.open(
        org.apache.pekko.stream.Materializer.createMaterializer(mesh.kit.system()), s,
        mesh.coordinator.connections().flow(MachinePrivateKey.generate(mesh.random).publicKey()), behind,
        Duration.ofSeconds(15), (sess, m, r) -> r.error().ifPresent(errors::add));
    TestMesh.await(() -> !errors.isEmpty(), "clock skew error");
    assertEquals(ControlError.Code.CLOCK_SKEW, errors.get(0).code());
    assertTrue(errors.get(0).getMessage().contains("10m0s behind"), errors.get(0).getMessage());
    TestMesh.await(() -> conn.closed().toCompletableFuture().isDone(), "connection closed");
  }

  @Test
  void platformAndGatewayOfOneTenantSeeEachOtherWithDirectionalAccess() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    gw.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gateway sees the platform");
    pf.awaitMap(m -> m.peers().containsKey(gw.nodeId()), "platform sees the gateway");
    assertEquals(PeerAccess.INBOUND, gw.map().peers().get(pf.nodeId()).getAccess());
    assertEquals(PeerAccess.OUTBOUND, pf.map().peers().get(gw.nodeId()).getAccess());
    assertEquals(pf.session.nodeKey().publicKey(), PeerMap.nodeKey(gw.map().peers().get(pf.nodeId())));
  }

  @Test
  void gatewaysNeverSeeOtherGatewaysAndTenantsAreIsolated() {
    Node acmeGw1 = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "acme-gw-1");
    Node acmeGw2 = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "acme-gw-2");
    Node globexGw = enrolled("globex", NodeRole.NODE_ROLE_GATEWAY, "globex-gw");
    Node globexPf = enrolled("globex", NodeRole.NODE_ROLE_PLATFORM, "globex-pf");
    Node acmePf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "acme-pf");
    acmeGw1.awaitMap(m -> m.peers().containsKey(acmePf.nodeId()), "acme gateway sees acme platform");
    globexGw.awaitMap(m -> m.peers().containsKey(globexPf.nodeId()), "globex gateway sees globex platform");
    assertEquals(List.of(acmePf.nodeId()), List.copyOf(acmeGw1.map().peers().keySet()));
    assertEquals(List.of(acmePf.nodeId()), List.copyOf(acmeGw2.map().peers().keySet()));
    assertEquals(List.of(globexPf.nodeId()), List.copyOf(globexGw.map().peers().keySet()));
    acmePf.awaitMap(m -> m.peers().size() == 2, "acme platform sees both acme gateways");
    assertFalse(acmePf.map().peers().containsKey(globexGw.nodeId()));
    assertFalse(acmePf.map().peers().containsKey(globexPf.nodeId()), "platform-to-platform is off");
  }

  @Test
  void aPolicyGrantLetsTaggedVendorPlatformsReachOneTenantOnly() throws Exception {
    Node acmeGw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "acme-gw");
    Node globexGw = enrolled("globex", NodeRole.NODE_ROLE_GATEWAY, "globex-gw");
    Node soc = mesh.connect(mesh.key("oversoc", NodeRole.NODE_ROLE_PLATFORM, false, false, "soc-eu"), "soc");
    Node other = mesh.connect(mesh.key("oversoc", NodeRole.NODE_ROLE_PLATFORM, false, false, "billing"), "billing");
    soc.awaitState(State.STREAMING);
    other.awaitState(State.STREAMING);
    assertTrue(soc.map().peers().isEmpty());
    mesh.service().setPolicy("grants = [ { platforms { tenant = oversoc, tags = [soc-eu] }, gateways { tenant = acme } } ]",
        "admin:test");
    soc.awaitMap(m -> m.peers().containsKey(acmeGw.nodeId()) && m.policyVersion() == 1, "grant applied");
    acmeGw.awaitMap(m -> m.peers().containsKey(soc.nodeId()), "acme gateway sees the soc platform");
    assertFalse(soc.map().peers().containsKey(globexGw.nodeId()));
    assertFalse(acmeGw.map().peers().containsKey(other.nodeId()), "untagged vendor platform stays out");
    assertTrue(globexGw.map().peers().isEmpty());

    // Withdrawing the grant withdraws the access, on both sides.
    mesh.service().setPolicy("grants = []", "admin:test");
    soc.awaitMap(m -> m.peers().isEmpty() && m.policyVersion() == 2, "grant withdrawn from the platform");
    acmeGw.awaitMap(m -> m.peers().isEmpty(), "and from the gateway");
  }

  @Test
  void revocationRemovesTheNodeFromEveryMapAndStopsIt() {
    Node gw1 = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw1");
    Node gw2 = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw2");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    gw1.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw1 sees pf");
    gw2.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw2 sees pf");
    assertTrue(mesh.service().revokeNode(pf.nodeId(), "collector decommissioned", "admin:test"));
    gw1.awaitMap(m -> !m.peers().containsKey(pf.nodeId()), "pf removed from gw1");
    gw2.awaitMap(m -> !m.peers().containsKey(pf.nodeId()), "pf removed from gw2");
    pf.awaitState(State.REVOKED);
    assertEquals(Optional.of("collector decommissioned"), pf.session.revokedReason());
    pf.awaitClosed();
    // The revoked machine cannot come back, with or without a key.
    Node again = mesh.connect(pf.machine, NodePrivateKey.generate(mesh.random),
        Optional.of(mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false)), "pf",
        ControlClientSession.Mode.MESH_NODE, mesh.coordinator);
    assertEquals(ControlError.Code.NODE_REVOKED, again.awaitError().code());
  }

  @Test
  void revokingAPreAuthKeyWithCascadeRevokesItsNodes() {
    String key = mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, true, false);
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node pf = mesh.connect(key, "pf");
    pf.awaitState(State.STREAMING);
    gw.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw sees pf");
    String id = key.substring("ovsgw-key-".length(), "ovsgw-key-".length() + 16);
    assertTrue(mesh.service().revokePreAuthKey(id, true, "admin:test"));
    gw.awaitMap(m -> m.peers().isEmpty(), "pf removed");
    pf.awaitState(State.REVOKED);
  }

  @Test
  void keyRotationKeepsTheNodeInEveryPeersMapWithTheNewKeyAndTheOldOneDuringTheOverlap() {
    Node gw1 = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw1");
    Node gw2 = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw2");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    gw1.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw1 sees pf");
    gw2.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw2 sees pf");
    var oldKey = pf.session.nodeKey().publicKey();
    NodePrivateKey next = NodePrivateKey.generate(mesh.random);
    synchronized (pf.session) {
      assertTrue(pf.connection.send(pf.session.rotateNodeKey(next)));
    }
    for (Node gw : List.of(gw1, gw2)) {
      gw.awaitMap(m -> PeerMap.nodeKey(m.peers().get(pf.nodeId())).equals(next.publicKey()), "new key published");
      assertEquals(Optional.of(oldKey), PeerMap.previousNodeKey(gw.map().peers().get(pf.nodeId())));
    }
    pf.awaitMap(m -> m.selfNodeKey().equals(next.publicKey()), "pf's own entry has the new key");
    TestMesh.await(() -> {
      synchronized (pf.session) {
        return pf.session.nodeKey() == next;
      }
    }, "client switched to the new key");
    assertEquals(State.STREAMING, pf.state(), "rotation does not interrupt the session");

    mesh.clock.advance(mesh.settings.nodeKeyOverlap().plusSeconds(1));
    gw1.awaitMap(m -> PeerMap.previousNodeKey(m.peers().get(pf.nodeId())).isEmpty(), "overlap ended");
    assertTrue(gw1.map().peers().containsKey(pf.nodeId()));

    // A key is never published twice.
    synchronized (pf.session) {
      pf.connection.send(pf.session.rotateNodeKey(next));
    }
    assertEquals(ControlError.Code.NODE_KEY_IN_USE, pf.awaitError().code());
    assertEquals(State.STREAMING, pf.state());
  }

  @Test
  void reportedEndpointsReachPeersAsPatchesAndBadOnesAreRefused() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    gw.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw sees pf");
    var ep = MapValidation.endpoint(IpLiteral.parse("198.51.100.7"), 41641);
    synchronized (pf.session) {
      pf.connection.send(pf.session.updateEndpoints(List.of(ep), 1).orElseThrow());
    }
    gw.awaitMap(m -> m.peers().get(pf.nodeId()).getEndpointsList().equals(List.of(ep))
        && m.peers().get(pf.nodeId()).getHomeRelay() == 1, "endpoints published");
    assertTrue(gw.received.stream().anyMatch(m -> m.hasMap() && m.getMap().getPeersPatchedCount() == 1),
        "sent as a patch");
    synchronized (pf.session) {
      pf.connection.send(pf.session.updateEndpoints(List.of(ep), 99).orElseThrow());
    }
    assertEquals(ControlError.Code.INVALID_ARGUMENT, pf.awaitError().code());
    assertEquals(State.STREAMING, pf.state());
  }

  @Test
  void aBurstOfEndpointReportsIsCoalescedAndTheLatestWins() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    gw.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw sees pf");
    long before = mesh.service().store().node(pf.nodeId()).orElseThrow().rowVersion();
    var last = MapValidation.endpoint(IpLiteral.parse("198.51.100.20"), 41641);
    synchronized (pf.session) {
      for (int i = 10; i <= 20; i++) {
        pf.connection.send(pf.session.updateEndpoints(
            List.of(MapValidation.endpoint(IpLiteral.parse("198.51.100." + i), 41641)), 1).orElseThrow());
      }
    }
    gw.awaitMap(m -> m.peers().get(pf.nodeId()).getEndpointsList().equals(List.of(last)), "the latest report wins");
    long writes = mesh.service().store().node(pf.nodeId()).orElseThrow().rowVersion() - before;
    // Normally 2 (the first, then the latest when the interval ends); only a stall of more than
    // MIN_ENDPOINT_REPORT_INTERVAL between frames could add one, never one per report.
    assertTrue(writes >= 1 && writes < 11, "11 reports in a burst made " + writes + " writes");
  }

  @Test
  void keyExpiryDropsTheNodeFromMaps() {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    gw.awaitMap(m -> m.peers().containsKey(pf.nodeId()), "gw sees pf");
    mesh.clock.advance(mesh.settings.nodeKeyLifetime().plusSeconds(1));
    gw.awaitMap(m -> !m.peers().containsKey(pf.nodeId()), "expired key dropped");
  }

  @Test
  void aRestartedCoordinatorKeepsNodesKeysAndPolicy() throws Exception {
    Node gw = enrolled("acme", NodeRole.NODE_ROLE_GATEWAY, "gw");
    Node pf = enrolled("acme", NodeRole.NODE_ROLE_PLATFORM, "pf");
    mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, true, false);
    mesh.service().setPolicy("platform-to-platform = true", "admin:test");
    var ula = mesh.service().ula();
    mesh.restart();
    gw.awaitClosed();
    assertEquals(ula, mesh.service().ula());
    assertEquals(1, mesh.service().policy().version());
    assertEquals(3, mesh.service().store().preAuthKeys().size());
    Node gwAgain = mesh.connect(gw.machine, gw.session.nodeKey(), Optional.empty(), "gw",
        ControlClientSession.Mode.MESH_NODE, mesh.coordinator);
    gwAgain.awaitState(State.STREAMING);
    assertEquals(gw.nodeId(), gwAgain.nodeId());
    assertTrue(gwAgain.map().peers().containsKey(pf.nodeId()));
    assertEquals(1, gwAgain.map().policyVersion());
  }

  @Test
  void aRestartedCoordinatorOnPostgresqlKeepsNodesKeysAndPolicy() throws Exception {
    com.oversoc.mesh.coordinator.store.Database.Settings pg =
        com.oversoc.mesh.coordinator.store.TestDatabases.freshPostgresSchema(8);
    TestMesh h2 = mesh;
    mesh = new TestMesh(pg, new TestClock(TestMesh.START),
        com.oversoc.mesh.protocol.key.CoordinatorPrivateKey.generate(new java.security.SecureRandom()), dir);
    try {
      aRestartedCoordinatorKeepsNodesKeysAndPolicy();
    } finally {
      mesh.close();
      mesh = h2;
      com.oversoc.mesh.coordinator.store.TestDatabases.dropSchema(pg);
    }
  }

  @Test
  void anUnenrolledMachineWithoutAKeyIsToldItIsNotEnrolled() {
    Node n = mesh.connect(null, "nokey");
    assertEquals(ControlError.Code.NOT_ENROLLED, n.awaitError().code());
  }
}
