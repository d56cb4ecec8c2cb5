package com.oversoc.mesh.actors.edge;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform's static port forward: a local TCP port whose every connection becomes one mesh
 * stream to a fixed gateway target, so any TCP client can use the mesh. A stream the gateway
 * refuses, or a mesh that cannot reach the gateway, closes the client's connection.
 */
public final class PortForward implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PortForward.class);

  private final Tcp.ServerBinding binding;
  private final String description;

  private PortForward(Tcp.ServerBinding binding, String description) {
    this.binding = binding;
    this.description = description;
  }

  /**
   * Listens on {@code listen}; each connection is handled with a fresh flow from {@code streams}.
   *
   * @param description what the forward reaches, for logs ("acme-dmz-1 10.0.1.50:8443")
   */
  public static CompletionStage<PortForward> bind(ActorSystem<?> system, InetSocketAddress listen,
      Supplier<Flow<ByteString, ByteString, ?>> streams, String description) {
    Materializer mat = Materializer.matFromSystem(system);
    return Tcp.get(system).bind(listen.getAddress().getHostAddress(), listen.getPort())
        .to(Sink.foreach(connection -> {
          LOG.debug("forward {} <- {}", description, connection.remoteAddress());
          connection.handleWith(streams.get(), mat);
        }))
        .run(mat)
        .thenApply(b -> {
          LOG.info("port forward {} -> {}", b.localAddress(), description);
          return new PortForward(b, description);
        });
  }

  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  public String description() {
    return description;
  }

  @Override
  public void close() {
    binding.unbind();
  }
}
