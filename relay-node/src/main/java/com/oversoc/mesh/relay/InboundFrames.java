package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.relay.RelayFraming;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ForwardPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerGone;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.Pong;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrames;
import com.oversoc.mesh.protocol.relay.TokenBucket;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The read side of one connection, and the relay's data path:
 *
 * <pre>
 *   bytes -> RelayFraming.decoder -> idle timeout -> InboundFrames
 *              hello:  ask the RelayStream actor, read nothing more until it answers
 *              SEND_PACKET (node):     ClientRegistry.route -> destination's SendQueue or a mesh link
 *              FORWARD_PACKET (mesh):  ClientRegistry.deliverForwarded -> a local client's SendQueue
 *              PING:                   PONG into this connection's own queue
 * </pre>
 *
 * A node's frames pass a token bucket: when it is in debt the stage stops reading for as long as
 * the debt takes to repay, so TCP pushes back on the sender and nothing is dropped. Mesh siblings
 * carry many clients' traffic and are not limited. Anything else ends the connection through the
 * actor, which sends CLOSING with the reason.
 */
final class InboundFrames extends GraphStage<SinkShape<RelayFrame>> {
  private static final String RESUME_TIMER = "resume";
  /** PEER_GONE "not here" notices per second a client gets for unknown destinations; more are dropped. */
  private static final long NOT_HERE_PER_SECOND = 10;
  private static final long NOT_HERE_BURST = 20;

  private final Inlet<RelayFrame> in = Inlet.create("InboundFrames.in");
  private final SinkShape<RelayFrame> shape = SinkShape.of(in);
  private final ClientSession session;
  private final RelayServices services;
  private final MonotonicClock clock;

  InboundFrames(ClientSession session, RelayServices services, MonotonicClock clock) {
    this.session = session;
    this.services = services;
    this.clock = clock;
  }

  @Override
  public SinkShape<RelayFrame> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private boolean admitted;
      private boolean refused;
      private TokenBucket rate;
      private TokenBucket notHere;
      private AsyncCallback<Boolean> admission;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            onFrame(grab(in));
          }

          @Override
          public void onUpstreamFinish() {
            session.actor.tell(new RelayStream.InboundEnded(null));
            completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            // The actor turns the failure into a CLOSING reason; this stage just stops.
            session.actor.tell(new RelayStream.InboundEnded(ex));
            completeStage();
          }
        });
      }

      @Override
      public void preStart() {
        admission = createAsyncCallback(this::onAdmission);
        pull(in);
      }

      private void onAdmission(Boolean ok) {
        if (!ok) {
          refused = true; // read nothing more; the actor closes the connection
          return;
        }
        admitted = true;
        long now = clock.nanos();
        RelaySettings s = services.settings();
        if (session.kind == ClientSession.Kind.NODE) {
          if (s.clientRateBytesPerSecond() > 0) {
            rate = new TokenBucket(s.clientRateBytesPerSecond(), s.clientBurstBytes(), now);
          }
          notHere = new TokenBucket(NOT_HERE_PER_SECOND, NOT_HERE_BURST, now);
        }
        pull(in);
      }

      private void onFrame(RelayFrame frame) {
        if (refused) {
          return;
        }
        if (!admitted) {
          if (frame instanceof ClientInfo || frame instanceof MeshHello) {
            CompletableFuture<Boolean> decided = new CompletableFuture<>();
            decided.thenAccept(admission::invoke);
            session.actor.tell(new RelayStream.Hello(frame, decided));
          } else {
            misbehaved("the first frame must be CLIENT_INFO or MESH_HELLO, got " + frame.type());
          }
          return;
        }
        if (!onAdmittedFrame(frame)) {
          return;
        }
        long pause = rate == null ? 0 : rate.take(RelayFrames.encodedLength(frame), clock.nanos());
        if (pause > 0) {
          scheduleOnce(RESUME_TIMER, Duration.ofNanos(pause));
        } else {
          pull(in);
        }
      }

      /** Handles one frame after the hello; false if it ended the connection. */
      private boolean onAdmittedFrame(RelayFrame frame) {
        boolean mesh = session.kind == ClientSession.Kind.MESH;
        switch (frame) {
          case SendPacket p when !mesh -> {
            if (services.registry().route(session, p.destination(), p.packet()) == ClientRegistry.Route.UNKNOWN) {
              tellNotHere(p.destination());
            }
          }
          case ForwardPacket p when mesh -> services.registry().deliverForwarded(p.source(), p.destination(), p.packet());
          case Ping p -> session.queue.offerControl(RelayFraming.encode(new Pong(p.data())));
          case Pong p -> { }
          default -> {
            misbehaved(mesh ? "a sibling relay may not send " + frame.type() + " after MESH_HELLO"
                : "a node may not send " + frame.type() + " after its hello");
            return false;
          }
        }
        return true;
      }

      private void tellNotHere(NodePublicKey destination) {
        if (notHere.tryTake(1, clock.nanos())) {
          session.queue.offerControl(RelayFraming.encode(new PeerGone(destination, PeerGoneReason.NOT_HERE)));
        }
      }

      private void misbehaved(String detail) {
        refused = true;
        session.actor.tell(new RelayStream.Misbehaved(CloseReason.PROTOCOL_VIOLATION, detail));
      }

      @Override
      public void onTimer(Object key) {
        pull(in);
      }
    };
  }
}
