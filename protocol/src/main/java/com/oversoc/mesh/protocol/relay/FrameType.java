package com.oversoc.mesh.protocol.relay;

import static com.oversoc.mesh.protocol.relay.RelayProtocol.KEY_LENGTH;
import static com.oversoc.mesh.protocol.relay.RelayProtocol.MAX_FRAME_PAYLOAD;
import static com.oversoc.mesh.protocol.relay.RelayProtocol.MAX_TEXT_LENGTH;
import static com.oversoc.mesh.protocol.relay.RelayProtocol.PING_DATA_LENGTH;

/**
 * Every relay frame type, its code, who sends it, and its payload layout. Field sizes are in
 * bytes; integers are big-endian and unsigned; {@code key} is a 32-byte X25519 public key;
 * {@code packet} is 1 to {@link RelayProtocol#MAX_PACKET} opaque bytes (WireGuard ciphertext the
 * relay never reads); {@code text} is UTF-8.
 */
public enum FrameType {
  /**
   * node -> relay, first frame. {@code version:1 flags:1}. Flags: bit 0 = this relay is the
   * node's home relay; the other bits are sent as zero and ignored.
   */
  CLIENT_INFO(0x01, 2, 2),
  /**
   * relay -> node, the reply to an admitted hello. {@code version:1 keepalive-ms:4
   * rate-bytes-per-second:4 burst-bytes:4}; a rate of 0 means the relay does not limit this
   * client. Lets the node pace itself and size its read timeout.
   */
  SERVER_INFO(0x02, 13, 13),
  /** node -> relay. {@code destination:key packet}. */
  SEND_PACKET(0x03, KEY_LENGTH + 1, KEY_LENGTH + RelayProtocol.MAX_PACKET),
  /** relay -> node. {@code source:key packet}. */
  RECV_PACKET(0x04, KEY_LENGTH + 1, KEY_LENGTH + RelayProtocol.MAX_PACKET),
  /** relay -> node. Empty. Keeps NAT and proxy mappings open and proves the relay is alive. */
  KEEPALIVE(0x05, 0, 0),
  /** either direction. {@code data:8}, echoed back in PONG. */
  PING(0x06, PING_DATA_LENGTH, PING_DATA_LENGTH),
  /** either direction. {@code data:8}, the data of the PING being answered. */
  PONG(0x07, PING_DATA_LENGTH, PING_DATA_LENGTH),
  /**
   * relay -> mesh sibling. {@code key}: this client is now connected to the sending relay, so
   * packets for it may be forwarded there.
   */
  PEER_PRESENT(0x08, KEY_LENGTH, KEY_LENGTH),
  /**
   * relay -> node: a peer this node sent to has left the region, or is not here. relay -> mesh
   * sibling: this client has left the sending relay. {@code key reason:1}, reason as in
   * {@link PeerGoneReason}.
   */
  PEER_GONE(0x09, KEY_LENGTH + 1, KEY_LENGTH + 1),
  /**
   * relay -> node. {@code text:0..1024}: what is wrong with this connection (for example another
   * connection uses the same key); empty text means healthy again.
   */
  HEALTH(0x0a, 0, MAX_TEXT_LENGTH),
  /**
   * relay -> node, just before a planned restart. {@code reconnect-in-ms:4 try-for-ms:4}: wait
   * about this long, then keep retrying quickly for this long before backing off as usual.
   */
  SERVER_RESTARTING(0x0b, 8, 8),
  /**
   * relay -> node, the last frame before the relay closes the connection. {@code reason:1
   * text:0..1024}, reason as in {@link CloseReason}, text a human-readable detail.
   */
  CLOSING(0x0c, 1, 1 + MAX_TEXT_LENGTH),
  /**
   * sibling relay -> relay, first frame instead of CLIENT_INFO. {@code version:1 mesh-key:32}. The
   * receiver compares the key with its own in constant time and closes on mismatch.
   */
  MESH_HELLO(0x10, 1 + KEY_LENGTH, 1 + KEY_LENGTH),
  /**
   * sibling relay -> relay, only after MESH_HELLO. {@code source:key destination:key packet}. The
   * receiver delivers it to its own client and never forwards it again (one hop per region).
   */
  FORWARD_PACKET(0x11, 2 * KEY_LENGTH + 1, MAX_FRAME_PAYLOAD);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int minPayload;
  private final int maxPayload;

  FrameType(int code, int minPayload, int maxPayload) {
    this.code = code;
    this.minPayload = minPayload;
    this.maxPayload = maxPayload;
  }

  /** The type byte on the wire. */
  public int code() {
    return code;
  }

  /** Shortest valid payload of this type. */
  public int minPayload() {
    return minPayload;
  }

  /** Longest valid payload of this type; never more than {@link RelayProtocol#MAX_FRAME_PAYLOAD}. */
  public int maxPayload() {
    return maxPayload;
  }

  /**
   * The type with this code.
   *
   * @throws RelayFrameException (UNKNOWN_TYPE) if no type has it
   */
  public static FrameType ofCode(int code) {
    FrameType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (t == null) {
      throw new RelayFrameException(RelayFrameException.Problem.UNKNOWN_TYPE,
          String.format("unknown frame type 0x%02x", code & 0xff));
    }
    return t;
  }
}
