package com.oversoc.mesh.relay.admission;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.util.OptionalLong;

/**
 * The relay's view of which node keys the coordinator considers active. The relay asks it once
 * per new connection, listens to it for removals (a revoked key is disconnected at once), and
 * refuses new clients when the view is older than its grace period.
 *
 * <p>What a source must provide: a full set of active node keys when it (re)connects, then each
 * addition and removal as it happens (saying whether a removal is a revocation), and a heartbeat
 * often enough (well within the grace period) that "nothing changed" is distinguishable from
 * "the coordinator is gone". {@link ActiveKeySet} turns those calls into this interface.
 * Implementations are thread-safe.
 */
public interface ActiveKeys {

  /** A key's standing in the current view. */
  enum Status {
    ACTIVE,
    /** Never seen, or removed without revocation (deleted, expired, rotated away). */
    UNKNOWN,
    /** Removed by a revocation this view has seen. */
    REVOKED,
    /** In the set, but its expiry has passed (the node should have rotated its key). */
    EXPIRED
  }

  /** Called for each key that leaves the active set. */
  @FunctionalInterface
  interface RemovalListener {
    /** {@code now} is UNKNOWN or REVOKED. Called on the source's thread; must return quickly. */
    void removed(NodePublicKey key, Status now);
  }

  Status status(NodePublicKey key);

  /**
   * When the source last confirmed this view is complete and current, in monotonic nanoseconds
   * of the clock the relay was given; empty if it never has.
   */
  OptionalLong confirmedAtNanos();

  /** Registers a listener for removals from now on; closing the handle unregisters it. */
  AutoCloseable onRemoved(RemovalListener listener);
}
