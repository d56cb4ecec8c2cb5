/**
 * The relay protocol spoken inside the secure channel between a node and a relay, and between
 * sibling relays of a region: frame types with their layouts ({@link
 * com.oversoc.mesh.protocol.relay.FrameType}), exact encoding and decoding with typed errors, and the
 * mesh key (the client's reconnect schedule is {@code protocol.retry}). Pure code: no sockets, no clock, no threads.
 */
package com.oversoc.mesh.protocol.relay;
