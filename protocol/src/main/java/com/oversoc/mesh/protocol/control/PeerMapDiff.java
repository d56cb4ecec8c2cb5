package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.EndpointList;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerPatch;
import java.util.Optional;

/**
 * The coordinator's side of the map stream: the message that takes a client from the map it has
 * to the map it should have. For every pair of maps, {@code PeerMapReducer.apply(from,
 * delta(from, to))} yields {@code to} (with seq {@code from.seq + 1}); the reducer tests check it.
 */
public final class PeerMapDiff {
  private PeerMapDiff() {}

  /** A full map message for {@code map}, carrying {@code map.seq()}. */
  public static MapResponse full(PeerMap map) {
    return MapResponse.newBuilder()
        .setSeq(map.seq())
        .setFull(true)
        .setSelf(map.self())
        .addAllPeersChanged(map.peers().values())
        .setRelayMap(map.relayMap())
        .setPolicyVersion(map.policyVersion())
        .build();
  }

  /**
   * The delta from {@code from} to {@code to}, with seq {@code from.seq() + 1}; empty if the two
   * maps already agree (so nothing is sent). Peers whose only change is their endpoints or home
   * relay go as small patches.
   */
  public static Optional<MapResponse> delta(PeerMap from, PeerMap to) {
    MapResponse.Builder b = MapResponse.newBuilder().setSeq(from.seq() + 1).setFull(false);
    boolean any = false;
    if (!from.self().equals(to.self())) {
      b.setSelf(to.self());
      any = true;
    }
    for (Long id : from.peers().keySet()) {
      if (!to.peers().containsKey(id)) {
        b.addPeersRemoved(id);
        any = true;
      }
    }
    for (Peer p : to.peers().values()) {
      Peer old = from.peers().get(p.getNodeId());
      if (old == null) {
        b.addPeersChanged(p);
        any = true;
      } else if (!old.equals(p)) {
        any = true;
        if (samePeerIgnoringPath(old, p)) {
          b.addPeersPatched(patch(old, p));
        } else {
          b.addPeersChanged(p);
        }
      }
    }
    if (!from.relayMap().equals(to.relayMap())) {
      b.setRelayMap(to.relayMap());
      any = true;
    }
    if (from.policyVersion() != to.policyVersion()) {
      b.setPolicyVersion(to.policyVersion());
      any = true;
    }
    return any ? Optional.of(b.build()) : Optional.empty();
  }

  /**
   * The delta that sets one peer's entry ({@code to} empty: removes it), without walking the
   * whole map: the coordinator's per-change path, where one node changed and each viewer's map
   * may hold thousands of peers. Empty if the entry is already so.
   */
  public static Optional<MapResponse> peerDelta(PeerMap from, long peerId, Optional<Peer> to) {
    Peer old = from.peers().get(peerId);
    MapResponse.Builder b = MapResponse.newBuilder().setSeq(from.seq() + 1).setFull(false);
    if (to.isEmpty()) {
      if (old == null) {
        return Optional.empty();
      }
      b.addPeersRemoved(peerId);
    } else if (old == null) {
      b.addPeersChanged(to.get());
    } else if (old.equals(to.get())) {
      return Optional.empty();
    } else if (samePeerIgnoringPath(old, to.get())) {
      b.addPeersPatched(patch(old, to.get()));
    } else {
      b.addPeersChanged(to.get());
    }
    return Optional.of(b.build());
  }

  /** True if the two entries differ at most in endpoints and home relay. */
  static boolean samePeerIgnoringPath(Peer a, Peer b) {
    return a.toBuilder().clearEndpoints().clearHomeRelay().build()
        .equals(b.toBuilder().clearEndpoints().clearHomeRelay().build());
  }

  private static PeerPatch patch(Peer old, Peer now) {
    PeerPatch.Builder p = PeerPatch.newBuilder().setNodeId(now.getNodeId());
    if (!old.getEndpointsList().equals(now.getEndpointsList())) {
      p.setEndpoints(EndpointList.newBuilder().addAllEndpoints(now.getEndpointsList()));
    }
    if (old.getHomeRelay() != now.getHomeRelay()) {
      p.setHomeRelay(now.getHomeRelay());
    }
    return p.build();
  }
}
