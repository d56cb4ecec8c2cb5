package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.ControlError;
import java.time.Duration;
import java.time.Instant;

/**
 * The clock check at connect time. Key expiry, pre-auth key expiry and rotation deadlines are
 * wall-clock instants set by the coordinator and acted on by the node; a node whose clock is
 * far off would rotate too late (and drop out of every map) or believe expired keys valid, so
 * it is refused with an explicit error instead of failing in confusing ways later.
 */
public final class ClockSkew {
  private ClockSkew() {}

  /**
   * @throws ControlException CLOCK_SKEW naming how far off the client is and the limit
   */
  public static void check(Instant client, Instant server, Duration maxSkew) throws ControlException {
    Duration skew = Duration.between(server, client);
    if (skew.abs().compareTo(maxSkew) > 0) {
      throw new ControlException(ControlError.Code.CLOCK_SKEW,
          "the node's clock is " + describe(skew.abs()) + (skew.isNegative() ? " behind" : " ahead of")
              + " the coordinator's"
              + " (coordinator time " + server + ", limit " + describe(maxSkew)
              + "); fix the node's time (NTP) and reconnect");
    }
  }

  private static String describe(Duration d) {
    long s = d.toSeconds();
    if (s >= 3600) {
      return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
    if (s >= 60) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    return d.toMillis() + "ms";
  }
}
