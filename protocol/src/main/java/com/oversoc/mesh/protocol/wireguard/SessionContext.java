package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The device-wide inputs every peer session uses: this node's static key, the shared index
 * table, randomness (ephemeral keys, indices, jitter) and the wall clock (TAI64N timestamps of
 * initiations; timers use the monotonic time passed to each call).
 */
public record SessionContext(NodePrivateKey localKey, IndexTable<Peer> indices, SecureRandom random,
    InstantSource wallClock) {
  public SessionContext {
    Objects.requireNonNull(localKey, "localKey");
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(wallClock, "wallClock");
  }
}
