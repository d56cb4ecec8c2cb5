package com.oversoc.mesh.actors.relay;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Opens one connection to a relay and yields its plaintext: relay frames out, relay frames in,
 * with TCP, optional TLS and the secure channel underneath. {@link TcpRelayDialer} is the real
 * one; tests and the simulator connect to a relay in memory.
 */
@FunctionalInterface
public interface RelayDialer {
  /** A new connection each time it is materialized; the materialized value completes once it is up. */
  Flow<ByteString, ByteString, ? extends CompletionStage<?>> connect();

  /** The server the last {@link #connect} dials, for logs (host:port). */
  default String target() {
    return "relay";
  }
}
