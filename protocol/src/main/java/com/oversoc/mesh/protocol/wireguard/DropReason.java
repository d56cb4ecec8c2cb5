package com.oversoc.mesh.protocol.wireguard;

/**
 * Why a datagram or a packet was dropped. Every drop is counted by reason; none changes the state
 * of a session, so a forged, corrupt, replayed or unexpected message costs the receiver only the
 * work it took to recognise it.
 */
public enum DropReason {
  // ---- before any cryptography ----
  /** Not a WireGuard message: too short, an unknown type, or the wrong length for its type. */
  MALFORMED,
  /** mac1 does not match this device's public key: not meant for us, or corrupt. */
  INVALID_MAC1,
  /** Under load without a valid mac2: answered with a cookie reply instead. */
  COOKIE_REQUIRED,
  /** Under load, the source sent more handshake messages than its rate allows. */
  RATE_LIMITED,
  /** The receiver index names no handshake or session of this device. */
  UNKNOWN_INDEX,

  // ---- handshakes ----
  /** The initiation's static key is not a peer of this node (or not one allowed to reach it). */
  UNKNOWN_PEER,
  /** A handshake message did not authenticate (wrong keys, forged, corrupt, a low-order key). */
  HANDSHAKE_FAILED,
  /** The initiation's timestamp is not later than the last one accepted from this peer. */
  REPLAYED_INITIATION,
  /** The peer's previous initiation was accepted less than HANDSHAKE_INITIATION_RATE ago. */
  INITIATION_FLOOD,
  /** A response to no initiation in flight (a late duplicate, or the initiation was replaced). */
  UNEXPECTED_RESPONSE,
  /** A cookie reply that does not decrypt against the last mac1 sent. */
  INVALID_COOKIE_REPLY,

  // ---- transport data ----
  /** Transport data for an index whose handshake has not completed. */
  NO_SESSION,
  /** Transport data under a key pair older than REJECT_AFTER_TIME. */
  EXPIRED_KEYPAIR,
  /** A counter already received, behind the replay window, or at REJECT_AFTER_MESSAGES. */
  REPLAYED_COUNTER,
  /** The transport data's tag does not verify. */
  DECRYPT_FAILED,

  // ---- sending ----
  /** A packet waiting for a session was pushed out by newer ones (the queue holds 128). */
  STAGED_OVERFLOW,
  /** Packets waiting for a session were dropped because handshakes kept failing for REKEY_ATTEMPT_TIME. */
  HANDSHAKE_GAVE_UP,
  /** Packets waiting for a session were dropped with the peer's keys (zeroed, or the peer removed). */
  FLUSHED,
  /** This node may not initiate to the peer, and there is no session the peer started. */
  MAY_NOT_INITIATE,
  /** The device has no path to the peer yet (no endpoint). */
  NO_ENDPOINT
}
