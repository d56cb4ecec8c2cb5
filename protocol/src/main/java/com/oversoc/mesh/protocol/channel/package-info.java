/**
 * The secure channel under the control protocol and the relay protocol: a 6-byte preamble
 * (magic and version), a Noise IK handshake in which the client proves its static key and pins
 * the server's, then encrypted records over a byte stream (TCP). This package is the pure core
 * (messages, record layer, handshake state); {@code actors.channel} runs it as a Pekko Streams
 * stage. See {@link com.oversoc.mesh.protocol.channel.ChannelProtocol} for the wire format.
 */
package com.oversoc.mesh.protocol.channel;
