package com.oversoc.mesh.coordinator.server;

import com.oversoc.mesh.actors.control.ControlFraming;
import com.oversoc.mesh.coordinator.CoordinatorService;
import com.oversoc.mesh.coordinator.mesh.MapDistributor;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The per-connection server flow: plaintext bytes in, plaintext bytes out, for a client whose
 * machine key the secure channel has already authenticated. The channel (Noise IK, its own
 * framing and encryption) joins underneath: {@code channel.join(ControlConnection.flow(...))}.
 *
 * <pre>
 *  bytes -> ControlFraming (cap, parse, typed errors) -> foreachAsync(1): ControlSession (ack = next frame)
 *  bytes <- ControlFraming (length prefix) <- bounded queue <- ControlSession actor
 * </pre>
 */
public final class ControlConnection {
  private static final AtomicLong IDS = new AtomicLong();
  /** Sessions whose machine is not known to be enrolled, across this coordinator's connections. */
  private final AtomicInteger unenrolled = new AtomicInteger();

  private final ActorSystem<?> system;
  private final CoordinatorService service;
  private final ActorRef<MapDistributor.Command> distributor;
  private final SecureRandom random;

  public ControlConnection(ActorSystem<?> system, CoordinatorService service,
      ActorRef<MapDistributor.Command> distributor, SecureRandom random) {
    this.system = system;
    this.service = service;
    this.distributor = distributor;
    this.random = random;
  }

  /** A fresh flow for one connection; each materialization is one session. */
  public Flow<ByteString, ByteString, NotUsed> flow(MachinePublicKey machine) {
    return ControlFraming.server().join(Flow.fromMaterializer((mat, attrs) -> {
      Pair<BoundedSourceQueue<ServerMessage>, Source<ServerMessage, NotUsed>> out =
          Source.<ServerMessage>queue(service.settings().sessionQueueSize()).preMaterialize(mat);
      AtomicBoolean closed = new AtomicBoolean();
      ActorRef<ControlSession.Command> session = system.systemActorOf(
          ControlSession.create(service, distributor, out.first(), machine, random, closed, unenrolled),
          "control-session-" + IDS.incrementAndGet(), Props.empty());
      // Once the session has ended, frames still arriving are dropped (not cancelled: that would
      // tear the connection down before the session's last frames are written).
      Sink<ControlFraming.Inbound, NotUsed> in = Flow.<ControlFraming.Inbound>create().filter(m -> !closed.get())
          .toMat(Sink.<ControlFraming.Inbound>foreachAsync(1, m -> {
        if (m.error() != null) {
          session.tell(new ControlSession.InboundFailed(m.error()));
          return CompletableFuture.<Void>completedFuture(null);
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        session.tell(new ControlSession.Inbound(ack, m.message()));
        return ack;
      }), org.apache.pekko.stream.javadsl.Keep.right()).mapMaterializedValue(done -> {
        done.whenComplete((ok, error) -> session.tell(error == null
            ? ControlSession.InboundClosed.INSTANCE
            : new ControlSession.InboundFailed(error)));
        return NotUsed.getInstance();
      });
      return Flow.fromSinkAndSource(in, out.second());
    }).mapMaterializedValue(f -> NotUsed.getInstance()));
  }
}
