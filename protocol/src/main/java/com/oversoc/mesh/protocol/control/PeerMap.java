package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a node knows about the mesh at one point of its map stream: itself, the peers it may
 * talk to (by node id), the relay map and the policy version. Immutable; {@link PeerMapReducer}
 * makes the next one from a {@code MapResponse}. The entries are the validated wire messages
 * themselves (immutable protobuf values), as tailcfg types serve Tailscale both on the wire and
 * in its netmap; typed accessors below turn their bytes into typed keys.
 *
 * @param seq the seq of the last MapResponse applied
 * @param peers peers by node id, in the order the coordinator listed them
 */
public record PeerMap(long seq, SelfNode self, Map<Long, Peer> peers, RelayMap relayMap, long policyVersion) {

  public PeerMap {
    peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
  }

  public Optional<Peer> peer(long nodeId) {
    return Optional.ofNullable(peers.get(nodeId));
  }

  /** The node key a peer currently uses. */
  public static NodePublicKey nodeKey(Peer peer) {
    return new NodePublicKey(peer.getNodeKey().toByteArray());
  }

  /** The peer's previous key while its rotation overlap lasts, empty otherwise. */
  public static Optional<NodePublicKey> previousNodeKey(Peer peer) {
    return peer.getPreviousNodeKey().isEmpty()
        ? Optional.empty()
        : Optional.of(new NodePublicKey(peer.getPreviousNodeKey().toByteArray()));
  }

  public NodePublicKey selfNodeKey() {
    return new NodePublicKey(self.getNodeKey().toByteArray());
  }
}
