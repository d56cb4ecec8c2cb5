package com.oversoc.mesh.relay.admission;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Whether a node that proved {@code key} may use this relay. Fails closed: a view the coordinator
 * has not confirmed for longer than the grace period admits nobody new, even keys it lists, since
 * a revocation may have been missed. Clients already connected stay; revocations still reach them
 * through the view's removal feed.
 */
public final class Admission {
  /** The verdict, with the CLOSING reason and detail a refused node is told. */
  public sealed interface Decision {}

  public record Admit() implements Decision {}

  public record Refuse(CloseReason reason, String detail) implements Decision {}

  private final ActiveKeys keys;
  private final Duration grace;
  private final MonotonicClock clock;

  public Admission(ActiveKeys keys, Duration grace, MonotonicClock clock) {
    this.keys = keys;
    this.grace = grace;
    this.clock = clock;
  }

  public Decision decide(NodePublicKey key) {
    OptionalLong confirmed = keys.confirmedAtNanos();
    if (confirmed.isEmpty()) {
      return new Refuse(CloseReason.ADMISSION_UNAVAILABLE,
          "this relay has not yet received the set of active keys from its coordinator; try again later");
    }
    long age = clock.nanos() - confirmed.getAsLong();
    if (age > grace.toNanos()) {
      return new Refuse(CloseReason.ADMISSION_UNAVAILABLE, "this relay has not heard from its coordinator for "
          + Duration.ofNanos(age).toSeconds() + " s (grace " + grace.toSeconds() + " s) and admits no new clients");
    }
    return switch (keys.status(key)) {
      case ACTIVE -> new Admit();
      case REVOKED -> new Refuse(CloseReason.REVOKED, "node key " + key.shortString() + " was revoked");
      case UNKNOWN -> new Refuse(CloseReason.NOT_ENROLLED,
          "node key " + key.shortString() + " is not in the coordinator's active set; enroll this node");
      case EXPIRED -> new Refuse(CloseReason.NOT_ENROLLED,
          "node key " + key.shortString() + " has expired; the node must rotate it with its coordinator");
    };
  }

  public ActiveKeys keys() {
    return keys;
  }
}
