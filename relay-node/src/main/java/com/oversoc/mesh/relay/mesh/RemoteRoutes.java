package com.oversoc.mesh.relay.mesh;

import com.oversoc.mesh.protocol.key.NodePublicKey;

/** What mesh links tell the relay's routing table. Called from stream threads. */
public interface RemoteRoutes {
  /** {@code key} is connected to the sibling behind {@code link}. */
  void present(NodePublicKey key, MeshLink link);

  /** {@code key} left the sibling behind {@code link}. */
  void gone(NodePublicKey key, MeshLink link);

  /** The link is down: nothing is reachable through it until it reconnects and the sibling re-announces. */
  void linkDown(MeshLink link);
}
