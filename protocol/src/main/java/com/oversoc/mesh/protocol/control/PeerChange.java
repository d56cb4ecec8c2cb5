package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.SelfNode;

/**
 * One effect of applying a MapResponse, as the data plane needs it: a removed peer's sessions
 * are dropped and its handshakes refused, a peer whose key changed gets the new key, and so on.
 */
public sealed interface PeerChange {
  record PeerAdded(Peer peer) implements PeerChange {}

  record PeerRemoved(Peer peer) implements PeerChange {}

  record PeerUpdated(Peer before, Peer after) implements PeerChange {
    /** The peer's current node key differs: new handshakes must use the new one. */
    public boolean keyChanged() {
      return !before.getNodeKey().equals(after.getNodeKey());
    }

    /** Only endpoints or home relay changed: the path manager cares, the session does not. */
    public boolean pathOnly() {
      return PeerMapDiff.samePeerIgnoringPath(before, after);
    }
  }

  record SelfChanged(SelfNode before, SelfNode after) implements PeerChange {}

  record RelayMapChanged(RelayMap relayMap) implements PeerChange {}

  record PolicyVersionChanged(long policyVersion) implements PeerChange {}
}
