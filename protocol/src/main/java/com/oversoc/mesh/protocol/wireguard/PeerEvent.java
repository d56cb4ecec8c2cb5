package com.oversoc.mesh.protocol.wireguard;

/** What a peer's session reports to its owner besides packets. */
public sealed interface PeerEvent {
  /** An initiation was sent; {@code attempt} counts retries (0 for the first). */
  record HandshakeInitiated(int attempt) implements PeerEvent {}

  /** A session is ready to send: as initiator after the response, as responder after key confirmation. */
  record SessionEstablished(boolean asInitiator) implements PeerEvent {}

  /** Handshakes failed for REKEY_ATTEMPT_TIME; waiting packets were dropped. */
  record HandshakeGaveUp(int attempts) implements PeerEvent {}

  /** Every key pair and handshake of the peer was zeroed after 3 x REJECT_AFTER_TIME without a new session. */
  record KeyMaterialZeroed() implements PeerEvent {}
}
