/**
 * The relay path of a node and the stream stages the relay server shares with it: frame
 * decoding over Pekko Streams framing, the bounded drop-oldest send queue and the writer stage
 * that drains it with a write timeout, the dialer that runs them over TCP, TLS and the secure
 * channel, and the reconnecting {@link com.oversoc.mesh.actors.relay.RelayClient}.
 */
package com.oversoc.mesh.actors.relay;
