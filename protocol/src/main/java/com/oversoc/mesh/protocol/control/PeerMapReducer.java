package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerPatch;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the map stream: a full MapResponse replaces the map, a delta changes it. The node's
 * control client and the coordinator (which keeps, per connection, the map the client has) both
 * run this one function, so they cannot disagree about what a delta means.
 *
 * <p>Everything is validated before anything is applied: a bad message leaves the caller's map
 * as it was and throws a {@link ControlException}. MALFORMED_MESSAGE is a broken message;
 * UNEXPECTED_MESSAGE is a delta that does not follow (no full map yet, a seq gap, a patch for an
 * unknown peer). Either way the client drops the connection and resynchronises with a full map
 * on the next one; it never guesses.
 */
public final class PeerMapReducer {
  /** The next map and what changed, in order: removals, then additions and updates, then the rest. */
  public record Update(PeerMap map, List<PeerChange> changes) {}

  private PeerMapReducer() {}

  /**
   * @param current the map so far, or null before the first full map of a connection
   */
  public static Update apply(PeerMap current, MapResponse m) throws ControlException {
    return m.getFull() ? applyFull(current, m) : applyDelta(current, m);
  }

  private static Update applyFull(PeerMap current, MapResponse m) throws ControlException {
    if (!m.hasSelf() || !m.hasRelayMap() || !m.hasPolicyVersion()) {
      throw MapValidation.malformed("a full map needs self, relay_map and policy_version");
    }
    if (m.getPeersRemovedCount() > 0 || m.getPeersPatchedCount() > 0) {
      throw MapValidation.malformed("a full map lists peers only in peers_changed");
    }
    MapValidation.self(m.getSelf());
    MapValidation.relayMap(m.getRelayMap());
    Map<Long, Peer> peers = new LinkedHashMap<>();
    for (Peer p : m.getPeersChangedList()) {
      MapValidation.peer(p);
      if (p.getNodeId() == m.getSelf().getNodeId() || peers.put(p.getNodeId(), p) != null) {
        throw MapValidation.malformed("peer " + p.getNodeId() + " is listed twice or is the node itself");
      }
    }
    PeerMap next = new PeerMap(m.getSeq(), m.getSelf(), peers, m.getRelayMap(), m.getPolicyVersion());
    List<PeerChange> changes = new ArrayList<>();
    Map<Long, Peer> before = current == null ? Map.of() : current.peers();
    for (Peer old : before.values()) {
      if (!peers.containsKey(old.getNodeId())) {
        changes.add(new PeerChange.PeerRemoved(old));
      }
    }
    for (Peer p : peers.values()) {
      Peer old = before.get(p.getNodeId());
      if (old == null) {
        changes.add(new PeerChange.PeerAdded(p));
      } else if (!old.equals(p)) {
        changes.add(new PeerChange.PeerUpdated(old, p));
      }
    }
    if (current == null || !current.self().equals(next.self())) {
      changes.add(new PeerChange.SelfChanged(current == null ? null : current.self(), next.self()));
    }
    if (current == null || !current.relayMap().equals(next.relayMap())) {
      changes.add(new PeerChange.RelayMapChanged(next.relayMap()));
    }
    if (current == null || current.policyVersion() != next.policyVersion()) {
      changes.add(new PeerChange.PolicyVersionChanged(next.policyVersion()));
    }
    return new Update(next, List.copyOf(changes));
  }

  private static Update applyDelta(PeerMap current, MapResponse m) throws ControlException {
    if (current == null) {
      throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE, "a map delta arrived before the full map");
    }
    if (m.getSeq() != current.seq() + 1) {
      throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE,
          "map delta seq " + m.getSeq() + " does not follow " + current.seq());
    }
    SelfNode self = current.self();
    if (m.hasSelf()) {
      MapValidation.self(m.getSelf());
      if (m.getSelf().getNodeId() != self.getNodeId()) {
        throw MapValidation.malformed("a delta cannot change the node's own id");
      }
      self = m.getSelf();
    }
    RelayMap relayMap = current.relayMap();
    if (m.hasRelayMap()) {
      MapValidation.relayMap(m.getRelayMap());
      relayMap = m.getRelayMap();
    }
    Set<Long> touched = new HashSet<>();
    for (long id : m.getPeersRemovedList()) {
      if (!touched.add(id) || !current.peers().containsKey(id)) {
        throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE,
            "delta removes peer " + id + ", which is not in the map or is listed twice");
      }
    }
    for (Peer p : m.getPeersChangedList()) {
      MapValidation.peer(p);
      if (!touched.add(p.getNodeId()) || p.getNodeId() == self.getNodeId()) {
        throw MapValidation.malformed("delta lists peer " + p.getNodeId() + " twice or as the node itself");
      }
    }
    for (PeerPatch patch : m.getPeersPatchedList()) {
      if (!touched.add(patch.getNodeId()) || !current.peers().containsKey(patch.getNodeId())) {
        throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE,
            "delta patches peer " + patch.getNodeId() + ", which is not in the map or is listed twice");
      }
    }

    Map<Long, Peer> peers = new LinkedHashMap<>(current.peers());
    List<PeerChange> changes = new ArrayList<>();
    for (long id : m.getPeersRemovedList()) {
      changes.add(new PeerChange.PeerRemoved(peers.remove(id)));
    }
    for (Peer p : m.getPeersChangedList()) {
      Peer old = peers.put(p.getNodeId(), p);
      if (old == null) {
        changes.add(new PeerChange.PeerAdded(p));
      } else if (!old.equals(p)) {
        changes.add(new PeerChange.PeerUpdated(old, p));
      }
    }
    for (PeerPatch patch : m.getPeersPatchedList()) {
      Peer old = peers.get(patch.getNodeId());
      Peer patched = patch(old, patch);
      MapValidation.peer(patched);
      peers.put(patched.getNodeId(), patched);
      if (!old.equals(patched)) {
        changes.add(new PeerChange.PeerUpdated(old, patched));
      }
    }
    if (m.hasSelf() && !m.getSelf().equals(current.self())) {
      changes.add(new PeerChange.SelfChanged(current.self(), self));
    }
    if (m.hasRelayMap() && !relayMap.equals(current.relayMap())) {
      changes.add(new PeerChange.RelayMapChanged(relayMap));
    }
    long policyVersion = current.policyVersion();
    if (m.hasPolicyVersion() && m.getPolicyVersion() != policyVersion) {
      policyVersion = m.getPolicyVersion();
      changes.add(new PeerChange.PolicyVersionChanged(policyVersion));
    }
    return new Update(new PeerMap(m.getSeq(), self, peers, relayMap, policyVersion), List.copyOf(changes));
  }

  private static Peer patch(Peer old, PeerPatch patch) {
    Peer.Builder b = old.toBuilder();
    if (patch.hasEndpoints()) {
      b.clearEndpoints().addAllEndpoints(patch.getEndpoints().getEndpointsList());
    }
    if (patch.hasHomeRelay()) {
      b.setHomeRelay(patch.getHomeRelay());
    }
    return b.build();
  }
}
