/**
 * Typed keys. Every role of an X25519 key (node, machine, coordinator, relay, a handshake's
 * ephemeral) has its own public and private type so that a signature can never confuse them,
 * and the symmetric {@link com.oversoc.mesh.protocol.key.PresharedKey} has its own type too.
 * Secret keys never print their material and every key compares in constant time. The text form
 * is standard base64 of the 32 raw bytes, the same form {@code wg} prints.
 */
package com.oversoc.mesh.protocol.key;
