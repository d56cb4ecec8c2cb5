package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.protocol.net.Endpoint;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Opens one connection to a coordinator and yields its plaintext: control frames out, control
 * frames in, with TCP and the secure channel underneath. {@link TcpControlDialer} is the real
 * one; tests join the client to a coordinator in memory.
 */
@FunctionalInterface
public interface ControlDialer {
  /** A new connection to {@code coordinator} each time the flow is materialized. */
  Flow<ByteString, ByteString, ?> connect(Endpoint coordinator);
}
