package com.oversoc.mesh.protocol.transport.stream;

import com.oversoc.mesh.protocol.transport.WireCodes;

/**
 * Why one direction of a stream was abandoned (RESET_STREAM, STOP_SENDING), with stable 16-bit
 * wire values.
 */
public enum StreamErrorCode {
  /** The application on this side cancelled (its consumer went away). */
  CANCELLED(0),
  /** The target connection (on the gateway) or the client (on the platform) was reset. */
  PEER_RESET(1),
  /** No byte moved in either direction for the stream idle timeout. */
  IDLE_TIMEOUT(2),
  /** The gateway did not accept the stream (its STREAM_OPEN_RESULT says why). */
  OPEN_FAILED(3),
  /** The connection is closing. */
  CONNECTION_CLOSED(4),
  /** Failure inside this node. */
  INTERNAL_ERROR(5),
  /** A code this build does not know; never sent. */
  UNRECOGNIZED(-1);

  private static final WireCodes<StreamErrorCode> CODES = new WireCodes<>(values(), c -> c.wire, UNRECOGNIZED);

  private final int wire;

  StreamErrorCode(int wire) {
    this.wire = wire;
  }

  /** The 16-bit wire value; {@link #UNRECOGNIZED} has none and is never sent. */
  public int wire() {
    return WireCodes.checkSendable(wire, this);
  }

  /** The code for a wire value; unknown values (a newer peer) map to {@link #UNRECOGNIZED}. */
  public static StreamErrorCode fromWire(int wire) {
    return CODES.fromWire(wire);
  }
}
