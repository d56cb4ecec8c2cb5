package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.PeerChange.PeerAdded;
import com.oversoc.mesh.protocol.control.PeerChange.PeerRemoved;
import com.oversoc.mesh.protocol.control.PeerChange.PeerUpdated;
import com.oversoc.mesh.protocol.control.PeerChange.PolicyVersionChanged;
import com.oversoc.mesh.protocol.control.PeerChange.RelayMapChanged;
import com.oversoc.mesh.protocol.control.PeerChange.SelfChanged;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.EndpointList;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.control.pb.PeerPatch;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The map-stream reducer: every way a full map or a delta can change a map, every way one can
 * be wrong, and (generated) that the coordinator's diff and the client's reducer always agree.
 */
class PeerMapReducerTest {
  static final long SELF_ID = 1;

  // ---- builders ----

  static ByteString key(int seed) {
    byte[] k = new byte[32];
    new Random(seed).nextBytes(k);
    return ByteString.copyFrom(k);
  }

  static IpEndpoint ep(String ip, int port) {
    return MapValidation.endpoint(IpLiteral.parse(ip), port);
  }

  static Peer peer(long id) {
    return peer(id, (int) id, PeerAccess.INBOUND);
  }

  static Peer peer(long id, int keySeed, PeerAccess access) {
    return Peer.newBuilder()
        .setNodeId(id)
        .setName("node-" + id)
        .setRole(NodeRole.NODE_ROLE_PLATFORM)
        .setTenant("acme")
        .setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(id).bytes()))
        .setIpv6(ByteString.copyFrom(new byte[16]))
        .setNodeKey(key(keySeed))
        .setNodeKeyExpiresUnixMs(1_800_000_000_000L)
        .setAccess(access)
        .build();
  }

  static SelfNode self() {
    return SelfNode.newBuilder()
        .setNodeId(SELF_ID)
        .setName("self")
        .setRole(NodeRole.NODE_ROLE_GATEWAY)
        .setTenant("acme")
        .setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(SELF_ID).bytes()))
        .setIpv6(ByteString.copyFrom(new byte[16]))
        .setNodeKey(key(1000))
        .setNodeKeyExpiresUnixMs(1_800_000_000_000L)
        .build();
  }

  static RelayMap relays(int... regionIds) {
    RelayMap.Builder b = RelayMap.newBuilder();
    for (int id : regionIds) {
      b.addRegions(RelayRegion.newBuilder().setRegionId(id).setCode("r" + id).addServers(RelayServer.newBuilder()
          .setHost("relay-" + id + ".example.net").setPort(443).setStunPort(3478).setPublicKey(key(5000 + id))));
    }
    return b.build();
  }

  static MapResponse.Builder full(long seq, Peer... peers) {
    return MapResponse.newBuilder().setSeq(seq).setFull(true).setSelf(self()).addAllPeersChanged(List.of(peers))
        .setRelayMap(relays(1)).setPolicyVersion(3);
  }

  static MapResponse.Builder delta(long seq) {
    return MapResponse.newBuilder().setSeq(seq);
  }

  static PeerMap apply(PeerMap m, MapResponse.Builder r) throws ControlException {
    return PeerMapReducer.apply(m, r.build()).map();
  }

  static PeerMapReducer.Update update(PeerMap m, MapResponse.Builder r) throws ControlException {
    return PeerMapReducer.apply(m, r.build());
  }

  static ControlError.Code refused(PeerMap m, MapResponse.Builder r) {
    return assertThrows(ControlException.class, () -> PeerMapReducer.apply(m, r.build())).code();
  }

  static PeerMap base() throws ControlException {
    return apply(null, full(1, peer(2), peer(3), peer(4)));
  }

  // ---- full maps ----

  @Nested
  class FullMaps {
    @Test
    void theFirstFullMapBuildsTheMapAndReportsEverythingAsNew() throws Exception {
      var u = update(null, full(1, peer(2), peer(3)));
      assertEquals(1, u.map().seq());
      assertEquals(List.of(2L, 3L), List.copyOf(u.map().peers().keySet()));
      assertEquals(self(), u.map().self());
      assertEquals(3, u.map().policyVersion());
      assertEquals(relays(1), u.map().relayMap());
      assertEquals(List.of(new PeerAdded(peer(2)), new PeerAdded(peer(3)), new SelfChanged(null, self()),
          new RelayMapChanged(relays(1)), new PolicyVersionChanged(3)), u.changes());
    }

    @Test
    void aFullMapWithNoPeersIsValid() throws Exception {
      assertTrue(apply(null, full(1)).peers().isEmpty());
    }

    @Test
    void aFullMapOverAnExistingOneReportsOnlyTheDifferences() throws Exception {
      PeerMap m = base();
      Peer rekeyed = peer(3, 333, PeerAccess.INBOUND);
      var u = update(m, full(7, peer(2), rekeyed, peer(5)));
      assertEquals(7, u.map().seq());
      assertEquals(List.of(new PeerRemoved(peer(4)), new PeerUpdated(peer(3), rekeyed), new PeerAdded(peer(5))),
          u.changes());
      assertTrue(((PeerUpdated) u.changes().get(1)).keyChanged());
    }

    @Test
    void anIdenticalFullMapChangesNothing() throws Exception {
      PeerMap m = base();
      var u = update(m, full(2, peer(2), peer(3), peer(4)));
      assertEquals(List.of(), u.changes());
      assertEquals(2, u.map().seq());
      assertEquals(m.peers(), u.map().peers());
    }

    @Test
    void aFullMapMayRestartTheSequence() throws Exception {
      PeerMap m = apply(base(), delta(2).addPeersRemoved(4));
      assertEquals(1, apply(m, full(1, peer(2))).seq(), "a new connection starts again at its own seq");
    }

    @Test
    void aFullMapNeedsSelfRelayMapAndPolicyVersion() {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1).clearSelf()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1).clearRelayMap()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1).clearPolicyVersion()));
    }

    @Test
    void aFullMapListsPeersOnlyAsChanged() {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1, peer(2)).addPeersRemoved(2)));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE,
          refused(null, full(1, peer(2)).addPeersPatched(PeerPatch.newBuilder().setNodeId(2).setHomeRelay(1))));
    }

    @Test
    void aPeerListedTwiceOrAsTheNodeItselfIsRefused() {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1, peer(2), peer(2))));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1, peer(SELF_ID))));
    }

    @Test
    void aBadFullMapLeavesTheCurrentMapAsItWas() throws Exception {
      PeerMap m = base();
      refused(m, full(5, peer(9), peer(9)));
      assertEquals(base(), m);
    }
  }

  // ---- deltas ----

  @Nested
  class Deltas {
    @Test
    void aDeltaBeforeAnyFullMapIsUnexpected() {
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(null, delta(1).addPeersChanged(peer(2))));
    }

    @Test
    void aDeltaMustFollowTheCurrentSeq() throws Exception {
      PeerMap m = base();
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(m, delta(3)));
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(m, delta(1)));
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(m, delta(0)));
      assertEquals(2, apply(m, delta(2)).seq());
    }

    @Test
    void anEmptyDeltaOnlyAdvancesTheSeq() throws Exception {
      PeerMap m = base();
      var u = update(m, delta(2));
      assertEquals(List.of(), u.changes());
      assertEquals(m.peers(), u.map().peers());
      assertEquals(m.self(), u.map().self());
    }

    @Test
    void removalDropsThePeerAndReportsItsLastEntry() throws Exception {
      var u = update(base(), delta(2).addPeersRemoved(3));
      assertEquals(List.of(2L, 4L), List.copyOf(u.map().peers().keySet()));
      assertEquals(List.of(new PeerRemoved(peer(3))), u.changes());
    }

    @Test
    void removingAPeerThatIsNotThereIsUnexpected() throws Exception {
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(base(), delta(2).addPeersRemoved(99)));
    }

    @Test
    void removingTheSamePeerTwiceInOneDeltaIsUnexpected() throws Exception {
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(base(), delta(2).addPeersRemoved(3).addPeersRemoved(3)));
    }

    @Test
    void aNewPeerIsAddedAtTheEnd() throws Exception {
      var u = update(base(), delta(2).addPeersChanged(peer(9)));
      assertEquals(List.of(2L, 3L, 4L, 9L), List.copyOf(u.map().peers().keySet()));
      assertEquals(List.of(new PeerAdded(peer(9))), u.changes());
    }

    @Test
    void aChangedPeerReplacesItsEntryWhole() throws Exception {
      Peer rekeyed = peer(3, 42, PeerAccess.INBOUND).toBuilder().setPreviousNodeKey(key(3))
          .setPreviousKeyValidUntilUnixMs(1_700_000_000_000L).build();
      var u = update(base(), delta(2).addPeersChanged(rekeyed));
      assertEquals(rekeyed, u.map().peers().get(3L));
      PeerUpdated c = (PeerUpdated) u.changes().get(0);
      assertTrue(c.keyChanged());
      assertFalse(c.pathOnly());
      assertEquals(Optional.of(PeerMap.nodeKey(peer(3))), PeerMap.previousNodeKey(u.map().peers().get(3L)));
    }

    @Test
    void anUnchangedPeerSentAgainReportsNoChange() throws Exception {
      var u = update(base(), delta(2).addPeersChanged(peer(3)));
      assertEquals(List.of(), u.changes());
    }

    @Test
    void aDeltaCannotListThePeerTwiceOrAsTheNodeItself() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).addPeersChanged(peer(9))
          .addPeersChanged(peer(9))));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).addPeersChanged(peer(SELF_ID))));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).addPeersRemoved(3)
          .addPeersChanged(peer(3))));
    }

    @Test
    void changesAreReportedRemovalsFirstThenUpsertsThenPatches() throws Exception {
      var u = update(base(), delta(2)
          .addPeersPatched(PeerPatch.newBuilder().setNodeId(4).setHomeRelay(1))
          .addPeersChanged(peer(9))
          .addPeersRemoved(2));
      assertEquals(PeerRemoved.class, u.changes().get(0).getClass());
      assertEquals(PeerAdded.class, u.changes().get(1).getClass());
      assertEquals(PeerUpdated.class, u.changes().get(2).getClass());
    }

    @Test
    void aFailingDeltaLeavesTheMapUntouched() throws Exception {
      PeerMap m = base();
      refused(m, delta(2).addPeersRemoved(2).addPeersRemoved(99));
      assertEquals(base(), m);
      assertEquals(3, m.peers().size());
    }
  }

  // ---- patches ----

  @Nested
  class Patches {
    @Test
    void aPatchReplacesEndpoints() throws Exception {
      var eps = List.of(ep("198.51.100.7", 41641), ep("2001:db8::7", 41641));
      var u = update(base(), delta(2).addPeersPatched(PeerPatch.newBuilder().setNodeId(3)
          .setEndpoints(EndpointList.newBuilder().addAllEndpoints(eps))));
      assertEquals(eps, u.map().peers().get(3L).getEndpointsList());
      assertEquals(0, u.map().peers().get(3L).getHomeRelay(), "home relay untouched");
      assertTrue(((PeerUpdated) u.changes().get(0)).pathOnly());
      assertFalse(((PeerUpdated) u.changes().get(0)).keyChanged());
    }

    @Test
    void aPatchWithAnEmptyEndpointListClearsThem() throws Exception {
      PeerMap m = apply(base(), delta(2).addPeersChanged(peer(3).toBuilder().addEndpoints(ep("198.51.100.7", 1))));
      PeerMap cleared = apply(m, delta(3).addPeersPatched(PeerPatch.newBuilder().setNodeId(3)
          .setEndpoints(EndpointList.getDefaultInstance())));
      assertTrue(cleared.peers().get(3L).getEndpointsList().isEmpty());
    }

    @Test
    void aPatchWithoutEndpointsLeavesThem() throws Exception {
      PeerMap m = apply(base(), delta(2).addPeersChanged(peer(3).toBuilder().addEndpoints(ep("198.51.100.7", 1))));
      PeerMap relayed = apply(m, delta(3).addPeersPatched(PeerPatch.newBuilder().setNodeId(3).setHomeRelay(1)));
      assertEquals(1, relayed.peers().get(3L).getEndpointsCount());
      assertEquals(1, relayed.peers().get(3L).getHomeRelay());
    }

    @Test
    void aPatchThatChangesNothingReportsNothing() throws Exception {
      var u = update(base(), delta(2).addPeersPatched(PeerPatch.newBuilder().setNodeId(3).setHomeRelay(0)));
      assertEquals(List.of(), u.changes());
    }

    @Test
    void patchingAnUnknownPeerIsUnexpected() throws Exception {
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE,
          refused(base(), delta(2).addPeersPatched(PeerPatch.newBuilder().setNodeId(99).setHomeRelay(1))));
    }

    @Test
    void patchingAPeerAddedInTheSameDeltaIsUnexpected() throws Exception {
      assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, refused(base(), delta(2).addPeersChanged(peer(9))
          .addPeersPatched(PeerPatch.newBuilder().setNodeId(9).setHomeRelay(1))));
    }

    @Test
    void aPatchWithABadEndpointIsMalformed() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).addPeersPatched(PeerPatch
          .newBuilder().setNodeId(3).setEndpoints(EndpointList.newBuilder().addEndpoints(ep("198.51.100.7", 1)
              .toBuilder().setPort(0))))));
    }
  }

  // ---- self, relay map, policy ----

  @Nested
  class SelfRelayMapAndPolicy {
    @Test
    void aDeltaMayReplaceTheNodesOwnEntry() throws Exception {
      SelfNode rotated = self().toBuilder().setNodeKey(key(77)).build();
      var u = update(base(), delta(2).setSelf(rotated));
      assertEquals(rotated, u.map().self());
      assertEquals(List.of(new SelfChanged(self(), rotated)), u.changes());
      assertEquals(new com.oversoc.mesh.protocol.key.NodePublicKey(key(77).toByteArray()), u.map().selfNodeKey());
    }

    @Test
    void aDeltaCannotChangeTheNodesId() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).setSelf(self().toBuilder()
          .setNodeId(5))));
    }

    @Test
    void aDeltaMayReplaceTheRelayMap() throws Exception {
      var u = update(base(), delta(2).setRelayMap(relays(1, 2)));
      assertEquals(relays(1, 2), u.map().relayMap());
      assertEquals(List.of(new RelayMapChanged(relays(1, 2))), u.changes());
    }

    @Test
    void aRelayMapWithRepeatedOrZeroRegionsOrBadServersIsMalformed() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).setRelayMap(relays(1, 1))));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).setRelayMap(relays(0))));
      RelayMap noHost = relays(1).toBuilder().setRegions(0, relays(1).getRegions(0).toBuilder()
          .setServers(0, relays(1).getRegions(0).getServers(0).toBuilder().setHost(""))).build();
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).setRelayMap(noHost)));
      RelayMap shortKey = relays(1).toBuilder().setRegions(0, relays(1).getRegions(0).toBuilder()
          .setServers(0, relays(1).getRegions(0).getServers(0).toBuilder().setPublicKey(key(1).substring(1))))
          .build();
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(base(), delta(2).setRelayMap(shortKey)));
    }

    @Test
    void aPolicyVersionChangeIsReportedAndAnUnchangedOneIsNot() throws Exception {
      assertEquals(List.of(new PolicyVersionChanged(4)), update(base(), delta(2).setPolicyVersion(4)).changes());
      assertEquals(List.of(), update(base(), delta(2).setPolicyVersion(3)).changes());
      assertEquals(3, apply(base(), delta(2)).policyVersion(), "absent means unchanged");
    }
  }

  // ---- field validation ----

  @Nested
  class Validation {
    private ControlError.Code withPeer(Peer p) throws Exception {
      return refused(base(), delta(2).addPeersChanged(p));
    }

    @Test
    void keysMustBe32Bytes() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder().setNodeKey(key(9).substring(0, 31))
          .build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder().setNodeKey(ByteString.EMPTY)
          .build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .setPreviousNodeKey(ByteString.copyFrom(new byte[33])).build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, refused(null, full(1).setSelf(self().toBuilder()
          .setNodeKey(ByteString.copyFrom(new byte[5])))));
    }

    @Test
    void addressesMustHaveTheirLength() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .setIpv4(ByteString.copyFrom(new byte[16])).build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .setIpv6(ByteString.copyFrom(new byte[4])).build()));
    }

    @Test
    void endpointsMustBeIpAndPort() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .addEndpoints(IpEndpoint.newBuilder().setIp(ByteString.copyFrom(new byte[5])).setPort(1)).build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .addEndpoints(ep("198.51.100.1", 1).toBuilder().setPort(70000)).build()));
    }

    @Test
    void tooManyEndpointsAreRefused() throws Exception {
      Peer.Builder b = peer(9).toBuilder();
      for (int i = 0; i <= ControlProtocol.MAX_ENDPOINTS; i++) {
        b.addEndpoints(ep("198.51.100.1", 1000 + i));
      }
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(b.build()));
      assertThrows(ControlException.class, () -> MapValidation.reportedEndpoints(b.getEndpointsList()));
    }

    @Test
    void aPeerNeedsAMeshRoleAnAccessAndAPositiveId() throws Exception {
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .setRole(NodeRole.NODE_ROLE_RELAY).build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .setRole(NodeRole.NODE_ROLE_UNSPECIFIED).build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder()
          .setAccess(PeerAccess.PEER_ACCESS_UNSPECIFIED).build()));
      assertEquals(ControlError.Code.MALFORMED_MESSAGE, withPeer(peer(9).toBuilder().setNodeId(0).build()));
    }

    @Test
    void reportedEndpointErrorsAreInvalidArgumentNotMalformed() {
      ControlException e = assertThrows(ControlException.class,
          () -> MapValidation.reportedEndpoints(List.of(ep("198.51.100.1", 1).toBuilder().setPort(0).build())));
      assertEquals(ControlError.Code.INVALID_ARGUMENT, e.code());
    }
  }

  // ---- the map value ----

  @Test
  void theMapIsImmutable() throws Exception {
    PeerMap m = base();
    assertThrows(UnsupportedOperationException.class, () -> m.peers().remove(2L));
    Map<Long, Peer> source = new LinkedHashMap<>(m.peers());
    PeerMap copy = new PeerMap(1, m.self(), source, m.relayMap(), 3);
    source.clear();
    assertEquals(3, copy.peers().size(), "the map copies what it is given");
  }

  @Test
  void unchangedEntriesAreSharedNotCopied() throws Exception {
    PeerMap m = base();
    PeerMap next = apply(m, delta(2).addPeersRemoved(4));
    assertSame(m.peers().get(2L), next.peers().get(2L));
  }

  // ---- the coordinator's diff agrees with the reducer ----

  @Nested
  class DiffAgreesWithReducer {
    @Test
    void noDeltaBetweenEqualMaps() throws Exception {
      PeerMap m = base();
      assertEquals(Optional.empty(), PeerMapDiff.delta(m, new PeerMap(9, m.self(), m.peers(), m.relayMap(), 3)));
    }

    @Test
    void pathOnlyChangesGoAsPatchesAndOthersAsWholeEntries() throws Exception {
      PeerMap m = base();
      Map<Long, Peer> peers = new LinkedHashMap<>(m.peers());
      peers.put(2L, peer(2).toBuilder().setHomeRelay(1).build());
      peers.put(3L, peer(3, 99, PeerAccess.INBOUND));
      MapResponse d = PeerMapDiff.delta(m, new PeerMap(0, m.self(), peers, m.relayMap(), 3)).orElseThrow();
      assertEquals(2, d.getSeq());
      assertEquals(1, d.getPeersPatchedCount());
      assertEquals(2, d.getPeersPatched(0).getNodeId());
      assertFalse(d.getPeersPatched(0).hasEndpoints());
      assertEquals(List.of(peer(3, 99, PeerAccess.INBOUND)), d.getPeersChangedList());
      assertFalse(d.hasSelf());
      assertFalse(d.hasRelayMap());
      assertFalse(d.hasPolicyVersion());
    }

    @Test
    void theFullMessageRebuildsTheMap() throws Exception {
      PeerMap m = base();
      assertEquals(m, PeerMapReducer.apply(null, PeerMapDiff.full(m)).map());
    }

    @Test
    void theSinglePeerDeltaAgreesWithTheWholeMapDiff() throws Exception {
      Random r = new Random(99);
      for (int round = 0; round < 300; round++) {
        PeerMap from = apply(null, randomFull(r, 1));
        long id = 2 + r.nextInt(10);
        Optional<Peer> entry = r.nextInt(3) == 0 ? Optional.empty() : Optional.of(r.nextBoolean()
            ? randomPeer(r, id)
            : from.peer(id).map(p -> p.toBuilder().setHomeRelay(p.getHomeRelay() + 1).build())
                .orElse(randomPeer(r, id)));
        Map<Long, Peer> peers = new LinkedHashMap<>(from.peers());
        entry.ifPresentOrElse(p -> peers.put(id, p), () -> peers.remove(id));
        PeerMap to = new PeerMap(from.seq(), from.self(), peers, from.relayMap(), from.policyVersion());
        Optional<MapResponse> single = PeerMapDiff.peerDelta(from, id, entry);
        assertEquals(PeerMapDiff.delta(from, to), single, "round " + round);
        if (single.isPresent()) {
          assertEquals(to.peers(), PeerMapReducer.apply(from, single.get()).map().peers());
        }
      }
    }

    /** Random pairs of maps: applying diff(from, to) to from always yields to. */
    @Test
    void generatedPairsOfMapsRoundTrip() throws Exception {
      Random r = new Random(20261203);
      for (int round = 0; round < 500; round++) {
        PeerMap from = apply(null, randomFull(r, 1));
        PeerMap to = PeerMapReducer.apply(null, randomFull(r, from.seq() + 1).build()).map();
        Optional<MapResponse> d = PeerMapDiff.delta(from, to);
        PeerMap got = d.isPresent() ? PeerMapReducer.apply(from, d.get()).map() : from;
        assertEquals(to.peers(), got.peers(), "round " + round);
        assertEquals(to.self(), got.self(), "round " + round);
        assertEquals(to.relayMap(), got.relayMap(), "round " + round);
        assertEquals(to.policyVersion(), got.policyVersion(), "round " + round);
        assertEquals(d.isPresent(), !sameContent(from, to), "round " + round);
        if (d.isPresent()) {
          // And the serialized message means the same thing after the wire.
          assertEquals(got, PeerMapReducer.apply(from, MapResponse.parseFrom(d.get().toByteArray())).map());
        }
      }
    }

    /** Random chains: a client following deltas stays equal to the server's view at every step. */
    @Test
    void aClientFollowingDeltasStaysInStep() throws Exception {
      Random r = new Random(7);
      PeerMap server = apply(null, randomFull(r, 1));
      PeerMap client = PeerMapReducer.apply(null, PeerMapDiff.full(server)).map();
      for (int step = 0; step < 300; step++) {
        PeerMap target = mutate(r, server);
        Optional<MapResponse> d = PeerMapDiff.delta(server, target);
        if (d.isEmpty()) {
          continue;
        }
        server = PeerMapReducer.apply(server, d.get()).map();
        client = PeerMapReducer.apply(client, MapResponse.parseFrom(d.get().toByteArray())).map();
        assertEquals(server, client, "step " + step);
      }
    }

    private boolean sameContent(PeerMap a, PeerMap b) {
      return a.peers().equals(b.peers()) && a.self().equals(b.self()) && a.relayMap().equals(b.relayMap())
          && a.policyVersion() == b.policyVersion();
    }

    private MapResponse.Builder randomFull(Random r, long seq) {
      List<Peer> peers = new ArrayList<>();
      for (long id = 2; id < 12; id++) {
        if (r.nextInt(3) > 0) {
          peers.add(randomPeer(r, id));
        }
      }
      MapResponse.Builder b = full(seq, peers.toArray(Peer[]::new));
      if (r.nextInt(5) == 0) {
        b.setSelf(self().toBuilder().setNodeKey(key(r.nextInt(3))));
      }
      if (r.nextInt(5) == 0) {
        b.setRelayMap(relays(1, 2));
      }
      return b.setPolicyVersion(r.nextInt(3));
    }

    private Peer randomPeer(Random r, long id) {
      Peer.Builder p = peer(id, (int) id + 100 * r.nextInt(2), PeerAccess.forNumber(1 + r.nextInt(3))).toBuilder();
      int eps = r.nextInt(3);
      for (int i = 0; i < eps; i++) {
        p.addEndpoints(ep("198.51.100." + r.nextInt(4), 41641 + r.nextInt(2)));
      }
      p.setHomeRelay(r.nextInt(3));
      if (r.nextBoolean()) {
        p.setPreviousNodeKey(key((int) id + 7)).setPreviousKeyValidUntilUnixMs(r.nextInt(2));
      }
      return p.build();
    }

    private PeerMap mutate(Random r, PeerMap m) {
      Map<Long, Peer> peers = new LinkedHashMap<>(m.peers());
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        long id = 2 + r.nextInt(10);
        switch (r.nextInt(4)) {
          case 0 -> peers.remove(id);
          case 1 -> peers.put(id, randomPeer(r, id));
          case 2 -> {
            Peer p = peers.get(id);
            if (p != null) {
              peers.put(id, p.toBuilder().clearEndpoints().addEndpoints(ep("203.0.113." + r.nextInt(9), 9)).build());
            }
          }
          default -> {
            Peer p = peers.get(id);
            if (p != null) {
              peers.put(id, p.toBuilder().setHomeRelay(r.nextInt(3)).build());
            }
          }
        }
      }
      SelfNode self = r.nextInt(10) == 0 ? m.self().toBuilder().setNodeKey(key(r.nextInt(50))).build() : m.self();
      long policy = r.nextInt(10) == 0 ? m.policyVersion() + 1 : m.policyVersion();
      return new PeerMap(m.seq(), self, peers, m.relayMap(), policy);
    }
  }
}
