package com.oversoc.mesh.coordinator.mesh;

/**
 * "The store changed, reload this": published after every committed write, to every replica
 * (cluster pub-sub, Kryo-serialized) including the one that wrote. Events carry ids, not data,
 * so a replica always applies what the shared store says; a lost event is repaired by the
 * periodic resync.
 */
public sealed interface MeshChange {
  /** Rows of these nodes changed (enrolled, rotated, endpoints, revoked or deleted). */
  record NodesChanged(long[] nodeIds) implements MeshChange {}

  /** A new policy version was stored. */
  record PolicyChanged(long version) implements MeshChange {}

  static NodesChanged nodes(long... ids) {
    return new NodesChanged(ids);
  }
}
