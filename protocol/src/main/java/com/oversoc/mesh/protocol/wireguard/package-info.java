/**
 * The WireGuard session, byte-compatible with WireGuard (whitepaper of 2020-06-01, as
 * wireguard-go implements it): the four messages, mac1/mac2 and cookies, the Noise_IKpsk2
 * handshake on the generic core of {@code protocol.noise}, key pairs with the replay window, the
 * index table, and the timers. Pure: no threads, no sockets, time and randomness as inputs.
 * {@link com.oversoc.mesh.protocol.wireguard.Peer} is one peer's state machine;
 * {@link com.oversoc.mesh.protocol.wireguard.Device} joins peers, routing and load protection into
 * one single-threaded device, and the actors of {@code actors.wireguard} split the same pieces
 * across a handshake actor and one session actor per peer.
 */
package com.oversoc.mesh.protocol.wireguard;
