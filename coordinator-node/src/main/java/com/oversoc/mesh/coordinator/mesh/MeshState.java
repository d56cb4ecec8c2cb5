package com.oversoc.mesh.coordinator.mesh;

import com.oversoc.mesh.coordinator.policy.Policy;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.protocol.control.ActiveKeySet;
import com.oversoc.mesh.protocol.control.MeshAddresses.UlaPrefix;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The coordinator's in-memory view of the mesh: every unrevoked node, the policy and the relay
 * map, indexed by tenant and role so that "who may see node X" costs the size of the answer,
 * not the size of the mesh. Single-threaded (owned by the {@code MapDistributor} actor); time
 * comes in as {@code now}.
 *
 * <p>A node is <em>live</em> at {@code now} while it is unrevoked and its node key has not
 * expired; only live nodes appear in maps and in the active-keys set.
 */
public final class MeshState {
  private final UlaPrefix ula;
  private RelayMap relayMap;
  private Policy policy;
  private final Map<Long, NodeRecord> nodes = new HashMap<>();
  /**
   * The row version at which each node was revoked. Reloads are asynchronous and may complete out
   * of order: without this, an enrollment's reload finishing after the revocation's would bring a
   * node back that was revoked before the distributor ever held it. One entry per revocation ever
   * made, which an operator makes by hand: small.
   */
  private final Map<Long, Long> revokedAt = new HashMap<>();
  private final Map<String, Map<NodeRole, Set<Long>>> byTenant = new HashMap<>();
  /** Peer entries per node and access, shared by every map that lists them. */
  private final Map<Long, Map<PeerAccess, Peer>> entries = new HashMap<>();

  public MeshState(UlaPrefix ula, RelayMap relayMap, Policy policy) {
    this.ula = ula;
    this.relayMap = relayMap;
    this.policy = policy;
  }

  public UlaPrefix ula() {
    return ula;
  }

  public Policy policy() {
    return policy;
  }

  public void setPolicy(Policy policy) {
    this.policy = policy;
  }

  public RelayMap relayMap() {
    return relayMap;
  }

  public Optional<NodeRecord> node(long id) {
    return Optional.ofNullable(nodes.get(id));
  }

  public Iterable<NodeRecord> nodes() {
    return nodes.values();
  }

  /**
   * Stores a newer row (revoked rows remove the node).
   *
   * @return false if the row is not newer than what is held, so nothing changed
   */
  public boolean put(NodeRecord n) {
    if (n.isRevoked()) {
      revokedAt.merge(n.nodeId(), n.rowVersion(), Math::max);
    } else if (revokedAt.getOrDefault(n.nodeId(), Long.MIN_VALUE) >= n.rowVersion()) {
      return false; // a row from before the node's revocation, reloaded late
    }
    NodeRecord old = nodes.get(n.nodeId());
    if (old == null ? n.isRevoked() : old.rowVersion() >= n.rowVersion()) {
      return false; // older than what is held, or a revoked node that was never held
    }
    if (old != null) {
      index(old).remove(old.nodeId());
    }
    entries.remove(n.nodeId());
    if (n.isRevoked()) {
      nodes.remove(n.nodeId());
    } else {
      nodes.put(n.nodeId(), n);
      index(n).add(n.nodeId());
    }
    return true;
  }

  /** Forgets a deleted node (ephemeral cleanup). */
  public boolean remove(long nodeId) {
    NodeRecord old = nodes.remove(nodeId);
    entries.remove(nodeId);
    if (old != null) {
      index(old).remove(nodeId);
    }
    return old != null;
  }

  private Set<Long> index(NodeRecord n) {
    return byTenant.computeIfAbsent(n.tenant(), t -> new EnumMap<>(NodeRole.class))
        .computeIfAbsent(n.role(), r -> new TreeSet<>());
  }

  public static boolean isLive(NodeRecord n, Instant now) {
    return !n.isRevoked() && now.isBefore(n.nodeKeyExpiresAt());
  }

  static Policy.Member member(NodeRecord n) {
    return new Policy.Member(n.role(), n.tenant(), n.tags());
  }

  /** The entry {@code viewer} gets for {@code peer}, or empty if the peer must not be in its map. */
  public Optional<Peer> entryFor(NodeRecord viewer, NodeRecord peer, Instant now) {
    if (viewer.nodeId() == peer.nodeId() || !isLive(peer, now)) {
      return Optional.empty();
    }
    Optional<PeerAccess> access = policy.access(member(viewer), member(peer));
    return access.map(a -> cachedEntry(peer, a, now));
  }

  private Peer cachedEntry(NodeRecord peer, PeerAccess access, Instant now) {
    Map<PeerAccess, Peer> byAccess = entries.computeIfAbsent(peer.nodeId(), id -> new EnumMap<>(PeerAccess.class));
    Peer e = byAccess.get(access);
    boolean wantPrevious = Wire.previousKeyValid(peer, now);
    if (e == null || e.getPreviousNodeKey().isEmpty() == wantPrevious) {
      e = Wire.peer(peer, ula, access, now);
      byAccess.put(access, e);
    }
    return e;
  }

  /**
   * Every node that may have {@code x} in its map (by policy, ignoring liveness of either), with
   * what it may do with {@code x}.
   */
  public Map<Long, PeerAccess> viewersOf(NodeRecord x) {
    Map<Long, PeerAccess> out = new LinkedHashMap<>();
    Policy.Member m = member(x);
    for (String tenant : policy.tenantsRelevantTo(m)) {
      Map<NodeRole, Set<Long>> roles = byTenant.get(tenant);
      if (roles == null) {
        continue;
      }
      for (Set<Long> ids : roles.values()) {
        for (long id : ids) {
          if (id != x.nodeId()) {
            policy.access(member(nodes.get(id)), m).ifPresent(a -> out.put(id, a));
          }
        }
      }
    }
    return out;
  }

  /**
   * The entry a viewer whose access to {@code peer} is {@code access} gets, or empty while the
   * peer is not live. Entries are shared by every map that lists them.
   */
  public Optional<Peer> entry(NodeRecord peer, PeerAccess access, Instant now) {
    return isLive(peer, now) ? Optional.of(cachedEntry(peer, access, now)) : Optional.empty();
  }

  /** The peers {@code viewer} should have now. */
  public Map<Long, Peer> peersFor(NodeRecord viewer, Instant now) {
    Map<Long, Peer> out = new LinkedHashMap<>();
    if (viewer.role() == NodeRole.NODE_ROLE_RELAY) {
      return out;
    }
    for (long id : viewersOf(viewer).keySet()) {
      entryFor(viewer, nodes.get(id), now).ifPresent(p -> out.put(id, p));
    }
    return out;
  }

  /** Node keys relays may admit now: each live mesh node's key, and a previous key in its overlap. */
  public Map<NodePublicKey, ActiveKeySet.Entry> activeKeys(Instant now) {
    Map<NodePublicKey, ActiveKeySet.Entry> out = new HashMap<>();
    for (NodeRecord n : nodes.values()) {
      if (n.role() == NodeRole.NODE_ROLE_RELAY || !isLive(n, now)) {
        continue;
      }
      out.put(n.nodeKey(), new ActiveKeySet.Entry(n.nodeId(), n.nodeKeyExpiresAt()));
      if (Wire.previousKeyValid(n, now)) {
        out.put(n.previousNodeKey().get(), new ActiveKeySet.Entry(n.nodeId(), n.previousKeyValidUntil().get()));
      }
    }
    return out;
  }

  /** True if something about {@code n} that maps show depends on time and flips in (after, upTo]. */
  public static boolean timeBoundaryCrossed(NodeRecord n, Instant after, Instant upTo) {
    return crossed(n.nodeKeyExpiresAt(), after, upTo)
        || n.previousKeyValidUntil().map(t -> crossed(t, after, upTo)).orElse(false);
  }

  private static boolean crossed(Instant t, Instant after, Instant upTo) {
    return t.isAfter(after) && !t.isAfter(upTo);
  }
}
