package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One control connection driven by a {@link ControlClientSession}: the session decides, this
 * class moves frames over a byte transport (the plaintext side of the secure channel, or an
 * in-process join with the coordinator's flow in tests and benchmarks) and sends a keepalive
 * when the client has been quiet. Reconnecting, backoff and the map cache are the node's
 * control client's job, on top of this.
 */
public final class ControlClientConnection {
  /** Frames the client may have queued for sending; it sends a handful at most. */
  public static final int OUTBOUND_QUEUE = 64;

  /** Called on the stream's thread, one message at a time. */
  public interface Listener {
    void onMessage(ControlClientSession session, ServerMessage message, ControlClientSession.Reaction reaction);
  }

  private final ControlClientSession session;
  private final BoundedSourceQueue<ClientMessage> out;
  private final CompletionStage<Done> closed;

  private ControlClientConnection(
      ControlClientSession session, BoundedSourceQueue<ClientMessage> out, CompletionStage<Done> closed) {
    this.session = session;
    this.out = out;
    this.closed = closed;
  }

  /** Connects over {@code transport} and sends the hello. */
  public static ControlClientConnection open(Materializer mat, ControlClientSession session,
      Flow<ByteString, ByteString, ?> transport, InstantSource clock, Duration keepaliveInterval, Listener listener) {
    Flow<ClientMessage, ServerMessage, NotUsed> messages = ControlFraming.client().reversed()
        .join(transport.mapMaterializedValue(m -> NotUsed.getInstance()));
    Pair<BoundedSourceQueue<ClientMessage>, Source<ClientMessage, NotUsed>> q =
        Source.<ClientMessage>queue(OUTBOUND_QUEUE).preMaterialize(mat);
    ControlClientConnection[] self = new ControlClientConnection[1];
    CompletionStage<Done> closed = q.second()
        .keepAlive(keepaliveInterval, ControlClientSession::keepalive)
        .via(messages)
        .toMat(Sink.foreach(m -> self[0].onMessage(m, listener)), Keep.right())
        .run(mat);
    self[0] = new ControlClientConnection(session, q.first(), closed);
    synchronized (session) {
      self[0].send(session.hello(clock.instant()));
    }
    return self[0];
  }

  private void onMessage(ServerMessage m, Listener listener) {
    ControlClientSession.Reaction r;
    synchronized (session) {
      r = session.onMessage(m);
      r.send().forEach(this::send);
    }
    listener.onMessage(session, m, r);
    if (session.state() == ControlClientSession.State.REVOKED || session.state() == ControlClientSession.State.FAILED) {
      out.complete();
    }
  }

  /** Queues a frame; false if the connection is gone or the queue is full. */
  public boolean send(ClientMessage m) {
    return out.offer(m).isEnqueued();
  }

  /** The session, to be used under {@code synchronized (session)} from other threads. */
  public ControlClientSession session() {
    return session;
  }

  /** Closes the client's side; the connection ends when the coordinator sees it. */
  public void close() {
    out.complete();
  }

  /** Completes when the coordinator's side ends (normally or with the stream's failure). */
  public CompletionStage<Done> closed() {
    return closed;
  }
}
