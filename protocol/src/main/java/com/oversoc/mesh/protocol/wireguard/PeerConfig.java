package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.PresharedKey;
import java.time.Duration;
import java.util.Objects;

/**
 * What a device knows about one peer before any packet: its static key, the preshared key both
 * were given (all zeros when none, as in WireGuard), whether this side may start handshakes with
 * it, and the persistent keepalive interval (zero: none).
 *
 * <p>A gateway is configured with {@code mayInitiate = false} for every peer: it answers
 * handshakes and sends on sessions the platform started, and never initiates one itself.
 */
public record PeerConfig(NodePublicKey publicKey, PresharedKey presharedKey, boolean mayInitiate,
    Duration persistentKeepalive) {
  /** WireGuard's preshared key when none is configured. */
  public static final PresharedKey NO_PRESHARED_KEY = new PresharedKey(new byte[PresharedKey.LENGTH]);

  public PeerConfig {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(presharedKey, "presharedKey");
    Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
    if (persistentKeepalive.isNegative()) {
      throw new IllegalArgumentException("persistent keepalive is zero (off) or positive, got " + persistentKeepalive);
    }
  }

  /** A peer with no preshared key, no persistent keepalive, that this side may initiate to. */
  public static PeerConfig of(NodePublicKey publicKey) {
    return new PeerConfig(publicKey, NO_PRESHARED_KEY, true, Duration.ZERO);
  }

  public PeerConfig withPresharedKey(PresharedKey psk) {
    return new PeerConfig(publicKey, psk, mayInitiate, persistentKeepalive);
  }

  /** The same peer, but this side only answers its handshakes (a gateway's view of a platform). */
  public PeerConfig respondOnly() {
    return new PeerConfig(publicKey, presharedKey, false, persistentKeepalive);
  }

  public PeerConfig withPersistentKeepalive(Duration interval) {
    return new PeerConfig(publicKey, presharedKey, mayInitiate, interval);
  }
}
