/**
 * The control protocol over Pekko Streams, shared by the coordinator and its clients:
 * length-prefixed protobuf framing with size caps on the plaintext side of the secure channel,
 * one client connection driven by its session ({@link
 * com.oversoc.mesh.actors.control.ControlClientConnection}), and the long-running {@link
 * com.oversoc.mesh.actors.control.ControlClient} that nodes and relays run: dialing the
 * coordinators in turn, enrolling, reconnecting with backoff, stopping when revoked.
 */
package com.oversoc.mesh.actors.control;
