package com.oversoc.mesh.protocol.transport.stream;

import com.oversoc.mesh.protocol.transport.WireCodes;

/**
 * The gateway's answer to a STREAM_OPEN, with stable 16-bit wire values: a value is never
 * reassigned, new reasons get new values.
 */
public enum StreamOpenResult {
  /** The gateway connected to the target; bytes flow. */
  OK(0),
  /** The gateway's exposure policy does not allow this platform peer to reach this target. */
  POLICY_DENIED(1),
  /** The target is not an IPv4 or IPv6 address (host names are never resolved). */
  NOT_AN_IP_LITERAL(2),
  /** Port 0, or a port the gateway never dials. */
  INVALID_PORT(3),
  /** The target answered with a reset (nothing listens on that port). */
  REFUSED(4),
  /** No route to the target host (host unreachable). */
  UNREACHABLE(5),
  /** No route to the target's network (network unreachable). */
  NETWORK_UNREACHABLE(6),
  /** The target did not answer within the gateway's connect timeout, or the gateway did not answer in time. */
  TIMEOUT(7),
  /** The gateway has no route or address for this address family (e.g. no IPv6). */
  ADDRESS_FAMILY_UNSUPPORTED(8),
  /** The gateway holds as many streams as it accepts; try again when one closes. */
  TOO_MANY_STREAMS(9),
  /** The gateway is shutting down and accepts no new streams. */
  SHUTTING_DOWN(10),
  /** Streams are opened by the platform only; this side does not accept an open from its peer. */
  WRONG_DIRECTION(11),
  /** The gateway failed for a reason of its own (a bug or resource exhaustion); see its log. */
  INTERNAL_ERROR(12),
  /** A code this build does not know (a newer peer); never sent. */
  UNRECOGNIZED(-1);

  private static final WireCodes<StreamOpenResult> CODES = new WireCodes<>(values(), c -> c.wire, UNRECOGNIZED);

  private final int wire;

  StreamOpenResult(int wire) {
    this.wire = wire;
  }

  /** The 16-bit wire value; {@link #UNRECOGNIZED} has none and is never sent. */
  public int wire() {
    return WireCodes.checkSendable(wire, this);
  }

  /** The code for a wire value; unknown values (a newer peer) map to {@link #UNRECOGNIZED}. */
  public static StreamOpenResult fromWire(int wire) {
    return CODES.fromWire(wire);
  }
}
