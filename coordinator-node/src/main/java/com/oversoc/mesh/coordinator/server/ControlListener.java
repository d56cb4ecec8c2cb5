package com.oversoc.mesh.coordinator.server;

import com.oversoc.mesh.protocol.key.MachinePublicKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The control protocol's TCP listener: each accepted connection runs the secure channel, and
 * once the channel has authenticated the client's machine key, the control session on top.
 *
 * <pre>
 *  TCP <-> SecureChannel.server() <-> ControlConnection.flow(authenticated machine key)
 * </pre>
 */
public final class ControlListener {
  private ControlListener() {}

  public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, String address, int port,
      SecureChannel channel, ControlConnection connections) {
    return Tcp.get(system).bind(address, port)
        .to(Sink.foreach(c -> c.handleWith(perConnection(channel, connections), system)))
        .run(system);
  }

  /** The flow one TCP connection runs: the channel, then the control session for its key. */
  static Flow<ByteString, ByteString, NotUsed> perConnection(SecureChannel channel, ControlConnection connections) {
    return Flow.fromMaterializer((mat, attrs) -> {
      CompletableFuture<MachinePublicKey> authenticated = new CompletableFuture<>();
      Flow<ByteString, ByteString, NotUsed> control =
          Flow.completionStageFlow(authenticated.thenApply(connections::flow))
              .mapMaterializedValue(f -> NotUsed.getInstance());
      return channel.server().mapMaterializedValue(key -> {
        key.whenComplete((k, e) -> {
          if (e == null) {
            authenticated.complete(k);
          } else {
            authenticated.completeExceptionally(e);
          }
        });
        return NotUsed.getInstance();
      }).join(control);
    }).mapMaterializedValue(f -> NotUsed.getInstance());
  }
}
