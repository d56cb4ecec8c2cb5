package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.crypto.Tai64n;
import com.oversoc.mesh.protocol.key.NodePublicKey;

/**
 * An initiation whose first half has been processed by {@link InitiationOpener}: the initiator
 * is a known peer and its timestamp is decrypted. It carries live handshake state (an ephemeral
 * key and chaining key), so it goes to that peer's {@link Peer#onInitiation} exactly once, or is
 * {@link #discard()}ed.
 */
public final class OpenedInitiation {
  private final Handshake.OpenedInitiation opened;

  OpenedInitiation(Handshake.OpenedInitiation opened) {
    this.opened = opened;
  }

  /** The initiator's static key. */
  public NodePublicKey initiator() {
    return opened.initiator();
  }

  public Tai64n timestamp() {
    return opened.timestamp();
  }

  Handshake.OpenedInitiation state() {
    return opened;
  }

  /** Zeros the handshake state of an initiation nobody will answer. */
  public void discard() {
    opened.discard();
  }
}
