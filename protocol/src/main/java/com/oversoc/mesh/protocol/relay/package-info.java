/**
 * The relay protocol spoken inside the secure channel between a node and a relay, and between
 * sibling relays of a region: frame types with their layouts ({@link
 * com.oversoc.mesh.protocol.relay.FrameType}), exact encoding and decoding with typed errors, the
 * mesh key, and the client's reconnect schedule. Pure code: no sockets, no clock, no threads.
 */
package com.oversoc.mesh.protocol.relay;
