/**
 * The secure channel ({@code protocol.channel}) as a Pekko Streams {@code BidiFlow}: plaintext
 * bytes on the application side, the preamble, Noise IK handshake and encrypted records on the
 * network side, with backpressure in both directions. The control and relay protocols stack
 * their message framing atop it and TCP (or TLS) below it; {@link
 * com.oversoc.mesh.actors.channel.ChannelDialer} is the client end over TCP that both use.
 */
package com.oversoc.mesh.actors.channel;
