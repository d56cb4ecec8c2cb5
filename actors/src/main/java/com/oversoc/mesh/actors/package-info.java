/**
 * The concurrent shell around the pure protocol code: Pekko typed actors (peer session,
 * handshake, keepalive, relay stream, path manager) and Pekko Streams stages that carry bytes
 * with backpressure. State machines live in {@code protocol}; actors own them, feed them time
 * and packets, and act on what they return.
 */
package com.oversoc.mesh.actors;
