package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * What a mesh node's control client needs to rotate the node key: where the next key is kept
 * while the coordinator is asked to take it, and who switches to it once it has. The client
 * decides when ({@link com.oversoc.mesh.protocol.control.NodeKeySchedule}); a relay has no
 * rotation (its node key is its relay key).
 */
public interface NodeKeyRotation {
  /** Keeps {@code next} durably before the coordinator hears of it, so a crash in between loses no key. */
  void prepare(NodePrivateKey next) throws IOException;

  /** The key prepared and not yet committed, if any: the coordinator may have taken it while this node was away. */
  Optional<NodePrivateKey> prepared() throws IOException;

  /**
   * The coordinator took {@code next}: it is the node key from now on. Peers accept the old one
   * until {@code previousValidUntil}, so sessions under it may go on until then.
   */
  void committed(NodePrivateKey next, Instant previousValidUntil) throws IOException;
}
