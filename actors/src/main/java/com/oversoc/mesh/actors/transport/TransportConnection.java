package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.ConnectionError;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * A transport connection as the rest of the node sees it: streams are {@link Flow}s of
 * {@link ByteString}. The platform opens them with {@link #openStream}; the gateway is handed
 * each one the platform opens as an {@link IncomingStream}.
 */
public final class TransportConnection {
  private ActorRef<ConnectionActor.Command> actor;

  private final java.util.concurrent.CompletableFuture<ConnectionClosedException> closed =
      new java.util.concurrent.CompletableFuture<>();

  private TransportConnection() {}

  /**
   * Completes when the connection has closed, by either side or by its idle timeout, with why;
   * a closed connection opens no more streams, so its owner makes a new one.
   */
  public CompletionStage<ConnectionClosedException> closed() {
    return closed;
  }

  void markClosed(ConnectionClosedException why) {
    closed.complete(why);
  }

  /**
   * Starts the actor that owns {@code connection} as a child of {@code parent}.
   *
   * @param onIncoming gateway: called (on the actor's thread; hand off quickly) for each stream
   *     the platform opens; the platform passes a handler that is never called
   */
  public static TransportConnection spawn(ActorContext<?> parent, String name, Connection connection,
      DatagramLink link, MonotonicClock clock, Consumer<IncomingStream> onIncoming) {
    TransportConnection facade = new TransportConnection();
    facade.actor = parent.spawn(ConnectionActor.create(connection, link, clock, onIncoming, facade), name);
    return facade;
  }

  /** The same, as a top-level actor of {@code system}. */
  public static TransportConnection spawn(org.apache.pekko.actor.typed.ActorSystem<?> system, String name,
      Connection connection, DatagramLink link, MonotonicClock clock, Consumer<IncomingStream> onIncoming) {
    TransportConnection facade = new TransportConnection();
    facade.actor = system.systemActorOf(ConnectionActor.create(connection, link, clock, onIncoming, facade), name,
        org.apache.pekko.actor.typed.Props.empty());
    return facade;
  }

  /**
   * Platform: a flow that opens a stream to {@code target}:{@code port} each time it is
   * materialized. Bytes may flow at once; the materialized value completes with OK when the
   * gateway accepts, or fails with {@link StreamOpenFailedException} (and so does the flow).
   */
  public Flow<ByteString, ByteString, CompletionStage<StreamOpenResult>> openStream(IpLiteral target, int port) {
    return Flow.fromGraph(new TransportStreamStage(this, target, port));
  }

  /**
   * The datagrams below now travel in a new session (the peer lost the old one): what is not
   * acknowledged is probed for at once rather than after the backed-off probe timeout.
   */
  public void channelRenewed() {
    actor.tell(new ConnectionActor.ChannelRenewed());
  }

  /** Closes the connection and fails every stream with {@link ConnectionClosedException}. */
  public void close(ConnectionError error, String reason) {
    actor.tell(new ConnectionActor.Close(error, reason));
  }

  /**
   * Closes the connection as {@link #close} does, then stops its actor: for a peer that left the
   * map, whose connection will never be used again.
   */
  public void stop(ConnectionError error, String reason) {
    actor.tell(new ConnectionActor.Stop(error, reason));
  }

  void answer(long streamId, StreamOpenResult result) {
    actor.tell(new ConnectionActor.Answer(streamId, result));
  }

  ActorRef<ConnectionActor.Command> actor() {
    return actor;
  }
}
