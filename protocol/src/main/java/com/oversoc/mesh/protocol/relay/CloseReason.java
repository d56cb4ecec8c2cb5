package com.oversoc.mesh.protocol.relay;

/**
 * Why a relay closes a connection, sent in the CLOSING frame. Refusals at admission and
 * protocol errors have distinct codes, so a node can tell "fix my enrollment" from "a bug".
 */
public enum CloseReason {
  /** The node key is not in the coordinator's set of active keys. */
  NOT_ENROLLED(0x01, false),
  /** The node key was revoked by the coordinator. */
  REVOKED(0x02, false),
  /**
   * The relay has not heard from its coordinator for longer than its grace period and admits no
   * new clients until it does (fail closed).
   */
  ADMISSION_UNAVAILABLE(0x03, true),
  /** A frame was malformed (too large, unknown type, wrong length, bad field). */
  MALFORMED_FRAME(0x04, false),
  /** A well-formed frame arrived where the protocol does not allow it (wrong direction or state). */
  PROTOCOL_VIOLATION(0x05, false),
  /** The hello named a protocol version this relay does not speak. */
  UNSUPPORTED_VERSION(0x06, false),
  /** A sibling's MESH_HELLO carried a different mesh key. */
  MESH_KEY_MISMATCH(0x07, false),
  /** The relay is shutting down (after SERVER_RESTARTING when it plans to come back). */
  SHUTTING_DOWN(0x08, true),
  /** Nothing was received for {@link RelayProtocol#SERVER_READ_TIMEOUT}. */
  IDLE_TIMEOUT(0x09, true),
  /** No hello arrived within {@link RelayProtocol#HELLO_TIMEOUT}. */
  HELLO_TIMEOUT(0x0a, true),
  /** Another connection proved the same key and took over (the newest connection wins). */
  REPLACED(0x0b, true);

  private final int code;
  private final boolean transientCondition;

  CloseReason(int code, boolean transientCondition) {
    this.code = code;
    this.transientCondition = transientCondition;
  }

  public int code() {
    return code;
  }

  /**
   * True if reconnecting soon may succeed (the relay or its coordinator was in a passing state);
   * false if the client must change something first (enrollment, software, configuration).
   */
  public boolean isTransient() {
    return transientCondition;
  }

  /** @throws RelayFrameException (BAD_VALUE) for an unknown code */
  public static CloseReason ofCode(int code) {
    for (CloseReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new RelayFrameException(RelayFrameException.Problem.BAD_VALUE,
        String.format("CLOSING: unknown reason 0x%02x", code & 0xff));
  }
}
