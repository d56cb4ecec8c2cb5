package com.oversoc.mesh.protocol.relay;

/** Why a PEER_GONE frame was sent; the byte after the key. */
public enum PeerGoneReason {
  /** The peer was connected and has disconnected. */
  DISCONNECTED(0x00),
  /** The relay has no route to the peer: it is not connected to this relay or its region. */
  NOT_HERE(0x01),
  /** The coordinator revoked the peer's key; it will not come back with that key. */
  REVOKED(0x02);

  private final int code;

  PeerGoneReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** @throws RelayFrameException (BAD_VALUE) for an unknown code */
  public static PeerGoneReason ofCode(int code) {
    for (PeerGoneReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new RelayFrameException(RelayFrameException.Problem.BAD_VALUE,
        String.format("PEER_GONE: unknown reason 0x%02x", code & 0xff));
  }
}
