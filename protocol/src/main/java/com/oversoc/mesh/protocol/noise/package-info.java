/**
 * One generic Noise core (noiseprotocol.org revision 34) for the 25519/ChaChaPoly/BLAKE2s suite
 * and the IK and IKpsk2 patterns: {@link com.oversoc.mesh.protocol.noise.HandshakeState} runs a
 * handshake with any prologue and payloads, and {@link com.oversoc.mesh.protocol.noise.CipherState}
 * carries a channel after it. The control plane and relay links use it as
 * {@code Noise_IK_25519_ChaChaPoly_BLAKE2s}; WireGuard ({@code protocol.wireguard}) uses it as
 * {@code Noise_IKpsk2} with WireGuard's prologue. The cacophony test vectors pin it byte for byte.
 */
package com.oversoc.mesh.protocol.noise;
