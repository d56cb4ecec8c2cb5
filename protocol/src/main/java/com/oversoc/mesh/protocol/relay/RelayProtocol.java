package com.oversoc.mesh.protocol.relay;

import java.time.Duration;

/**
 * Constants of the relay protocol. The secure channel underneath (magic, version, Noise IK) has
 * already proved the peer's static key; everything here travels inside it.
 *
 * <pre>
 * Connection, after the secure channel is up:
 *   node  -> relay   CLIENT_INFO                       (or a sibling relay: MESH_HELLO)
 *   relay -> node    SERVER_INFO                       (admitted) or CLOSING(reason) and close
 * Steady state:
 *   node  -> relay   SEND_PACKET(dst)      relay -> dst node  RECV_PACKET(src)
 *   relay -> node    KEEPALIVE every 60 s + jitter; PEER_GONE when a peer it sent to leaves
 *   either side      PING, answered by PONG with the same 8 bytes
 * Relay mesh (the dialing sibling is the "client" of the connection):
 *   dialer   -> relay   MESH_HELLO(mesh key), then FORWARD_PACKET(src, dst) for the relay's clients
 *   relay    -> dialer  PEER_PRESENT for every local client, then PEER_PRESENT / PEER_GONE changes
 * Shutdown:
 *   relay -> all     SERVER_RESTARTING(reconnect in, try for), then close
 * </pre>
 *
 * <p>Every frame is {@code type:1 length:4 (big-endian, payload bytes only) payload:length}; the
 * layouts are documented on {@link FrameType}.
 */
public final class RelayProtocol {
  // ---- Specification constants: both ends must agree on these. ----

  /** Version carried in CLIENT_INFO, SERVER_INFO and MESH_HELLO; bumped on any incompatible change. */
  public static final int VERSION = 1;
  /** Frame header: one byte of type, four bytes of payload length. */
  public static final int HEADER_LENGTH = 5;
  /** Largest payload of any frame (64 KiB), checked on the header before anything is buffered. */
  public static final int MAX_FRAME_PAYLOAD = 64 * 1024;
  /** Length of every key on the wire (node keys, mesh key). */
  public static final int KEY_LENGTH = 32;
  /** Largest packet a node may send: a FORWARD_PACKET of it (two keys in front) still fits a frame. */
  public static final int MAX_PACKET = MAX_FRAME_PAYLOAD - 2 * KEY_LENGTH;
  /** PING and PONG carry exactly this many opaque bytes. */
  public static final int PING_DATA_LENGTH = 8;
  /** Longest HEALTH text and CLOSING detail, in UTF-8 bytes. */
  public static final int MAX_TEXT_LENGTH = 1024;

  /** The relay sends KEEPALIVE this often (plus jitter) so idle NAT and proxy mappings stay open. */
  public static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(60);
  /** Up to this much is added to each keepalive interval so 10,000 clients do not tick together. */
  public static final Duration KEEPALIVE_JITTER = Duration.ofSeconds(5);
  /**
   * A node that has heard nothing from its relay for this long (two keepalives and their jitter,
   * plus slack) treats the connection as dead and reconnects.
   */
  public static final Duration CLIENT_READ_TIMEOUT = Duration.ofSeconds(150);
  /** A node that has sent nothing for this long sends a PING, so the relay can tell it is alive. */
  public static final Duration CLIENT_PING_INTERVAL = KEEPALIVE_INTERVAL;
  /** The relay closes a connection that has sent nothing for this long (two client pings, plus slack). */
  public static final Duration SERVER_READ_TIMEOUT = CLIENT_READ_TIMEOUT;
  /** The first frame (CLIENT_INFO or MESH_HELLO) must arrive within this long after the channel is up. */
  public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  private RelayProtocol() {}
}
