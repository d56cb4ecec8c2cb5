/**
 * The WireGuard session as actors: a {@link com.oversoc.mesh.actors.wireguard.PeerSession} per
 * peer owns that peer's pure session and maps its timers onto keyed Pekko timers; the
 * {@link com.oversoc.mesh.actors.wireguard.HandshakeWorker} does the expensive, device-wide first
 * half of every handshake; the {@link com.oversoc.mesh.actors.wireguard.WireGuardRouter} sends
 * each datagram from a path to the one that must see it.
 */
package com.oversoc.mesh.actors.wireguard;
