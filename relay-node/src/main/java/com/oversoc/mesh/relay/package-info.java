/**
 * The relay: a Pekko Streams TCP server that forwards WireGuard ciphertext between nodes that
 * cannot reach each other directly, admits only enrolled node keys, meshes with the other relays
 * of its region, and answers STUN on UDP.
 */
package com.oversoc.mesh.relay;
