package com.oversoc.mesh.protocol.control;

import java.time.Duration;
import java.time.Instant;

/**
 * When a node rotates its node key (the WireGuard static key the coordinator gave an expiry):
 * at two thirds of the way from learning the expiry to the expiry itself. A node that learns the
 * expiry on every start (and after every rotation) therefore rotates well before it, whatever
 * lifetime the coordinator is configured with, and never loops on a short one.
 */
public final class NodeKeySchedule {
  /** The share of the remaining lifetime that passes before the node rotates: 2/3. */
  static final int ROTATE_AT_NUMERATOR = 2;
  static final int ROTATE_AT_DENOMINATOR = 3;
  /** A rotation the coordinator did not confirm (refused, lost with its connection) is tried again this much later. */
  public static final Duration RETRY_AFTER = Duration.ofMinutes(1);
  /** How long a rotation request may wait for its answer before it counts as lost. */
  public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  /**
   * A rotation the coordinator confirmed while the node did not hear it (the connection dropped)
   * is finished on the next connection; peers are told the old key's real end by the coordinator,
   * and this node answers for the old key this long: WireGuard's REJECT_AFTER_TIME, after which
   * no session under it can be alive anyway.
   */
  public static final Duration RECOVERED_OVERLAP = Duration.ofSeconds(180);

  private NodeKeySchedule() {}

  /** When to rotate a key whose expiry was learned at {@code learned}; {@code learned} itself if it has expired. */
  public static Instant rotateAt(Instant learned, Instant expires) {
    if (!expires.isAfter(learned)) {
      return learned;
    }
    Duration life = Duration.between(learned, expires);
    return learned.plus(life.multipliedBy(ROTATE_AT_NUMERATOR).dividedBy(ROTATE_AT_DENOMINATOR));
  }
}
