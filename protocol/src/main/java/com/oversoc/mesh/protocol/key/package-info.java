/**
 * Typed X25519 keys. Every role of a key (node, machine, coordinator, relay) has its own
 * public and private type so that a signature can never confuse them; private keys never print
 * their material and compare in constant time. The text form is standard base64 of the 32 raw
 * bytes, the same form {@code wg} prints.
 */
package com.oversoc.mesh.protocol.key;
