package com.oversoc.mesh.actors.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.pb.ActiveKeysUpdate;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.RegisterResponse;
import com.oversoc.mesh.protocol.control.pb.Registration;
import com.oversoc.mesh.protocol.control.pb.Revoked;
import com.oversoc.mesh.protocol.control.pb.ServerHello;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.net.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Coordinators in memory for control client tests: each address refuses connections or accepts
 * them, and the test plays the coordinator's side of each accepted connection frame by frame
 * through the real control framing.
 */
final class FakeCoordinator implements ControlDialer {
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  /** Every dial, in order. */
  final TestProbe<Endpoint> dials;
  private final Set<Endpoint> refusing = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();

  FakeCoordinator(ActorSystem<?> system) {
    this.system = system;
    this.dials = TestProbe.create(system);
  }

  /** Connections to {@code e} fail at once, as with nothing listening. */
  void refuse(Endpoint e) {
    refusing.add(e);
  }

  void accept(Endpoint e) {
    refusing.remove(e);
  }

  @Override
  public Flow<ByteString, ByteString, ?> connect(Endpoint coordinator) {
    dials.ref().tell(coordinator);
    if (refusing.contains(coordinator)) {
      return Flow.fromSinkAndSource(Sink.ignore(),
          Source.failed(new IOException("connection refused (test coordinator " + coordinator + ")")));
    }
    Connection c = new Connection(coordinator);
    accepted.add(c);
    return c.flow(system);
  }

  /** The next connection a client opened to an accepting address. */
  Connection nextConnection() throws InterruptedException {
    Connection c = accepted.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(c, "no connection within " + PATIENCE);
    return c;
  }

  /** The coordinator's side of one connection. */
  static final class Connection {
    final Endpoint at;
    private final BlockingQueue<ClientMessage> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Done> ended = new CompletableFuture<>();
    private BoundedSourceQueue<ServerMessage> out;

    Connection(Endpoint at) {
      this.at = at;
    }

    Flow<ByteString, ByteString, NotUsed> flow(ActorSystem<?> system) {
      Pair<BoundedSourceQueue<ServerMessage>, Source<ServerMessage, NotUsed>> q =
          Source.<ServerMessage>queue(64).preMaterialize(system);
      out = q.first();
      Sink<ControlFraming.Inbound, NotUsed> in = Sink.<ControlFraming.Inbound>foreach(i -> received.add(i.message()))
          .mapMaterializedValue(done -> {
            done.whenComplete((d, f) -> ended.complete(Done.getInstance()));
            return NotUsed.getInstance();
          });
      return ControlFraming.server().join(Flow.fromSinkAndSourceCoupled(in, q.second()));
    }

    /** The client's next frame. */
    ClientMessage next() throws InterruptedException {
      ClientMessage m = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(m, "no frame from the client within " + PATIENCE);
      return m;
    }

    /** Every frame the client sends within {@code wait}. */
    java.util.List<ClientMessage> framesWithin(Duration wait) throws InterruptedException {
      java.util.List<ClientMessage> frames = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + wait.toNanos();
      ClientMessage m;
      while ((m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
        frames.add(m);
      }
      return frames;
    }

    /** The next frame that is not a keepalive. */
    ClientMessage nextRequest() throws InterruptedException {
      ClientMessage m = next();
      while (m.hasKeepalive()) {
        m = next();
      }
      return m;
    }

    void send(ServerMessage m) {
      out.offer(m);
    }

    /** The coordinator ends the connection. */
    void close() {
      out.complete();
    }
  }

  // ---- what a coordinator says ----

  static Registration registration(NodeRole role) {
    return Registration.newBuilder().setNodeId(7).setRole(role).setTenant("oversoc").build();
  }

  static ServerMessage hello(boolean enrolled, NodeRole role) {
    ServerHello.Builder h = ServerHello.newBuilder()
        .setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION)
        .setSessionNonce(com.google.protobuf.ByteString.copyFrom(new byte[ControlProtocol.SESSION_NONCE_BYTES]));
    if (enrolled) {
      h.setEnrolled(true).setRegistration(registration(role));
    }
    return ServerMessage.newBuilder().setHello(h).build();
  }

  static ServerMessage registered(NodeRole role) {
    return ServerMessage.newBuilder().setRegister(RegisterResponse.newBuilder().setRegistration(registration(role)))
        .build();
  }

  static ServerMessage emptyKeySet() {
    return ServerMessage.newBuilder().setActiveKeys(ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true)).build();
  }

  static ServerMessage error(ControlError.Code code, boolean fatal) {
    return ServerMessage.newBuilder().setError(ControlError.newBuilder().setCode(code).setFatal(fatal)
        .setMessage("test says " + code)).build();
  }

  static ServerMessage revoked(String reason) {
    return ServerMessage.newBuilder().setRevoked(Revoked.newBuilder().setReason(reason)).build();
  }
}
