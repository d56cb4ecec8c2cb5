package com.oversoc.mesh.protocol.control;

/**
 * Version and wire constants of the control protocol. One capability number for the whole
 * protocol, compared by both ends at connect time; the coordinator serves every client whose
 * number lies in [{@link #MIN_SUPPORTED_CAPABILITY_VERSION}, {@link #CAPABILITY_VERSION}].
 *
 * <p>Changelog (newest first):
 *
 * <ul>
 *   <li>3: RelayServer.tls, a relay that must be dialed with TLS (a version-2 node would dial it
 *       without and fail, so enable relay TLS only once nodes speak 3; coordinators still serve 2).
 *   <li>2: ClientMessage/ServerMessage envelopes; enrollment (RegisterRequest with a node-key
 *       possession proof), peer-map stream (full MapResponse then deltas with seq, peer patches),
 *       endpoint reports, node-key rotation with an overlap, keepalives, typed ControlError
 *       (clock skew included), Revoked, and the relays' active-keys feed.
 *   <li>1: ClientHello.
 * </ul>
 */
public final class ControlProtocol {
  /** The version this build speaks. */
  public static final int CAPABILITY_VERSION = 3;
  /** The oldest client version this build still serves (1 had no conversation beyond hello). */
  public static final int MIN_SUPPORTED_CAPABILITY_VERSION = 2;

  /** Each frame on the plaintext stream starts with its length, 4 bytes big-endian. */
  public static final int FRAME_HEADER_BYTES = 4;
  /**
   * Largest frame a client may send. Client messages are small (hello, endpoints, key
   * rotation); a tight cap keeps one misbehaving node from making the coordinator buffer much.
   */
  public static final int MAX_CLIENT_FRAME_BYTES = 64 * 1024;
  /**
   * Largest frame the coordinator sends. A full map of a platform node that sees 10,000
   * gateways is about 1.5 MB; this leaves headroom for 5x that.
   */
  public static final int MAX_SERVER_FRAME_BYTES = 8 * 1024 * 1024;

  /** Per-connection random challenge in ServerHello that key-possession proofs cover. */
  public static final int SESSION_NONCE_BYTES = 32;
  /** Most endpoints one node may report; more is an INVALID_ARGUMENT. */
  public static final int MAX_ENDPOINTS = 16;
  /** Most tags a node or pre-auth key may carry. */
  public static final int MAX_TAGS = 16;

  private ControlProtocol() {}
}
