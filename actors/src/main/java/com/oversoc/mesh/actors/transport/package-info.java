/**
 * The Pekko Streams edge of the mesh transport: one actor owns a {@link
 * com.oversoc.mesh.protocol.transport.Connection} and feeds it datagrams from a {@link
 * com.oversoc.mesh.actors.transport.DatagramLink} and time; each stream is a {@code Flow<ByteString,
 * ByteString, ...>} whose downstream demand is what returns receive credit to the peer, so a slow
 * consumer stops the remote producer with bounded buffering in between.
 */
package com.oversoc.mesh.actors.transport;
