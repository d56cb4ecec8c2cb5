package com.oversoc.mesh.protocol.transport.stream;

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

  private final int wire;

  StreamErrorCode(int wire) {
    this.wire = wire;
  }

  public int wire() {
    if (this == UNRECOGNIZED) {
      throw new IllegalStateException("UNRECOGNIZED is never sent");
    }
    return wire;
  }

  public static StreamErrorCode fromWire(int wire) {
    for (StreamErrorCode c : values()) {
      if (c.wire == wire && c != UNRECOGNIZED) {
        return c;
      }
    }
    return UNRECOGNIZED;
  }
}
