package com.oversoc.mesh.relay.mesh;

import com.oversoc.mesh.protocol.key.NodePublicKey;

/** This relay's connection to one sibling, as the routing table sees it. */
public interface MeshLink {
  /** Queues a packet from a local client to a client of the sibling; false if dropped at once. */
  boolean forward(NodePublicKey source, NodePublicKey destination, byte[] packet);

  String name();
}
