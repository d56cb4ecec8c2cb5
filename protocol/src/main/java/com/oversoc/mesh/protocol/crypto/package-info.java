/**
 * The symmetric primitives of the Noise and WireGuard constructions, each in the exact form the
 * WireGuard paper uses: BLAKE2s as hash, keyed MAC and HMAC, the HKDF built on that HMAC,
 * ChaCha20-Poly1305 with a 64-bit counter nonce, XChaCha20-Poly1305 for cookies, and TAI64N
 * timestamps, and the variable-base X25519 function of RFC 7748 on its own radix-2^51 field
 * arithmetic, which the typed keys in {@code protocol.key} call for every agreement (they keep
 * BouncyCastle's fixed-base multiplication to derive public keys). Every class here is a
 * pure function of its inputs; the stateful {@link com.oversoc.mesh.protocol.crypto.ChaCha20Poly1305}
 * is confined to one thread at a time.
 */
package com.oversoc.mesh.protocol.crypto;
