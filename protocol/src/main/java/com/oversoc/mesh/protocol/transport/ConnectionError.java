package com.oversoc.mesh.protocol.transport;

/** Why a connection closed, with stable 16-bit wire values carried in CLOSE. */
public enum ConnectionError {
  /** Closed on purpose by the application, nothing wrong. */
  NO_ERROR(0),
  /** The peer broke a protocol rule not covered by a more specific code. */
  PROTOCOL_VIOLATION(1),
  /** The peer sent more than its credit (RFC 9000 FLOW_CONTROL_ERROR). */
  FLOW_CONTROL_ERROR(2),
  /** The peer opened a stream beyond its MAX_STREAMS credit. */
  STREAM_LIMIT_ERROR(3),
  /** A frame for a stream in a state that does not allow it (e.g. data on a stream never opened). */
  STREAM_STATE_ERROR(4),
  /** A stream's final size changed, or data arrived beyond it. */
  FINAL_SIZE_ERROR(5),
  /** Nothing arrived from the peer for the idle timeout. */
  IDLE_TIMEOUT(6),
  /** This node failed. */
  INTERNAL_ERROR(7),
  /** The peer acknowledged a packet number this side never sent. */
  INVALID_ACK(8),
  /**
   * The peer has no such connection: a gateway that restarted (or forgot the connection) says so
   * in a stateless close ({@link Connection#statelessClose}) to the packets of a connection it
   * does not know, so the platform gives it up now instead of at its idle timeout.
   */
  UNKNOWN_CONNECTION(9),
  /** A code this build does not know; never sent. */
  UNRECOGNIZED(-1);

  private static final WireCodes<ConnectionError> CODES = new WireCodes<>(values(), c -> c.wire, UNRECOGNIZED);

  private final int wire;

  ConnectionError(int wire) {
    this.wire = wire;
  }

  /** The 16-bit wire value; {@link #UNRECOGNIZED} has none and is never sent. */
  public int wire() {
    return WireCodes.checkSendable(wire, this);
  }

  /** The code for a wire value; unknown values (a newer peer) map to {@link #UNRECOGNIZED}. */
  public static ConnectionError fromWire(int wire) {
    return CODES.fromWire(wire);
  }
}
