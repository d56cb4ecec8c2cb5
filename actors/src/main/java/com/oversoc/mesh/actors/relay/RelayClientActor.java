package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.actors.relay.RelayClient.Listener;
import com.oversoc.mesh.actors.relay.RelayClient.Shared;
import com.oversoc.mesh.actors.relay.RelayClient.State;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrame.Health;
import com.oversoc.mesh.protocol.relay.RelayFrame.KeepAlive;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerGone;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerPresent;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.Pong;
import com.oversoc.mesh.protocol.relay.RelayFrame.RecvPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The state machine behind {@link RelayClient}: backing off, connecting, connected, closing.
 * One connection at a time, numbered so that late events of an earlier one are ignored.
 *
 * <pre>
 *   BACKING_OFF --timer--> CONNECTING --SERVER_INFO--> CONNECTED
 *        ^                     |                          |
 *        +---- connection ended (delay from ReconnectBackoff) <--+
 * </pre>
 *
 * Packets never pass through this actor: the facade offers them straight to the connection's
 * {@link SendQueue}, and received packets go from the stream to the listener.
 */
final class RelayClientActor {
  sealed interface Command {}

  private record Connect() implements Command {}

  private record Admitted(long connection, ServerInfo info) implements Command {}

  private record Restarting(long connection, ServerRestarting frame) implements Command {}

  private record Refused(long connection, Closing frame) implements Command {}

  private record Ended(long connection, Throwable failure) implements Command {}

  record Stop(CompletableFuture<Done> done) implements Command {}

  private record CloseTimeout() implements Command {}

  private static final String CONNECT_TIMER = "connect";
  private static final String CLOSE_TIMER = "close";
  /** A graceful close that takes longer than this (a peer that stopped reading) is cut short. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Ping payloads only need to differ; a counter is enough. */
  private static final AtomicLong PING_DATA = new AtomicLong();

  private final String name;
  private final RelayClientSettings settings;
  private final RelayDialer dialer;
  private final Listener listener;
  private final Shared shared;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReconnectBackoff backoff;

  private long connection;
  /** The server the current connection dialed. */
  private String server = "";
  private SendQueue queue;
  private UniqueKillSwitch killSwitch;
  private Closing refusal;

  private RelayClientActor(String name, RelayClientSettings settings, RelayDialer dialer, Listener listener,
      Shared shared, ActorContext<Command> context, TimerScheduler<Command> timers) {
    this.name = name;
    this.settings = settings;
    this.dialer = dialer;
    this.listener = listener;
    this.shared = shared;
    this.context = context;
    this.timers = timers;
    this.backoff = new ReconnectBackoff(settings.random());
  }

  static Behavior<Command> create(String name, RelayClientSettings settings, RelayDialer dialer, Listener listener,
      Shared shared) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      RelayClientActor a = new RelayClientActor(name, settings, dialer, listener, shared, ctx, timers);
      a.connect();
      return a.connecting();
    }));
  }

  private Behavior<Command> backingOff() {
    return Behaviors.receive(Command.class)
        .onMessage(Connect.class, c -> {
          connect();
          return connecting();
        })
        .onMessage(Ended.class, e -> Behaviors.same())
        .onMessage(Stop.class, s -> stopNow(s.done()))
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> connecting() {
    return withConnection(Behaviors.receive(Command.class)
        .onMessage(Admitted.class, a -> a.connection() == connection, a -> {
          shared.queue = queue;
          backoff.onAdmitted(settings.clock().nanos());
          setState(State.CONNECTED, Optional.empty(), "admitted (keepalive " + a.info().keepalive().toSeconds() + " s)");
          context.getLog().info("relay {}: admitted by {}", name, server);
          return connected();
        }));
  }

  private Behavior<Command> connected() {
    return withConnection(Behaviors.receive(Command.class));
  }

  /** What a live connection handles in both of its states. */
  private Behavior<Command> withConnection(BehaviorBuilder<Command> b) {
    return b
        .onMessage(Restarting.class, this::onRestarting)
        .onMessage(Refused.class, this::onRefused)
        .onMessage(Ended.class, e -> e.connection() == connection, this::onEnded)
        .onMessage(Stop.class, this::closing)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> closing(Stop stop) {
    shared.queue = null;
    setState(State.CLOSED, Optional.empty(), "closed by the node");
    killSwitch.shutdown();
    timers.startSingleTimer(CLOSE_TIMER, new CloseTimeout(), CLOSE_TIMEOUT);
    long last = connection;
    return Behaviors.receive(Command.class)
        .onMessage(Ended.class, e -> e.connection() == last, e -> {
          stop.done().complete(Done.getInstance());
          return Behaviors.stopped();
        })
        .onMessage(CloseTimeout.class, t -> {
          killSwitch.abort(new RelayProtocolException("closed by the node"));
          stop.done().complete(Done.getInstance());
          return Behaviors.stopped();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> stopNow(CompletableFuture<Done> done) {
    timers.cancel(CONNECT_TIMER);
    setState(State.CLOSED, Optional.empty(), "closed by the node");
    done.complete(Done.getInstance());
    return Behaviors.stopped();
  }

  private Behavior<Command> onRestarting(Restarting r) {
    if (r.connection() == connection) {
      backoff.onServerRestarting(r.frame().reconnectIn(), r.frame().tryFor(), settings.clock().nanos());
      context.getLog().info("relay {} is restarting; reconnecting in about {} ms", name,
          r.frame().reconnectIn().toMillis());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRefused(Refused r) {
    if (r.connection() == connection) {
      refusal = r.frame();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onEnded(Ended e) {
    shared.queue = null;
    if (refusal == null) {
      refusal = HandshakeRefusal.of(e.failure()).orElse(null);
    }
    // The read side ended; end the write side too, so the relay sees the connection go.
    killSwitch.shutdown();
    queue.close(null, DropReason.GONE);
    Duration delay = backoff.nextDelay(settings.clock().nanos());
    Optional<CloseReason> reason = Optional.ofNullable(refusal).map(Closing::reason);
    String why = refusal != null ? "relay closed the connection: " + refusal.reason() + " " + refusal.detail()
        : e.failure() != null ? "connection failed: " + e.failure().getMessage() : "connection closed";
    setState(State.BACKING_OFF, reason, why + "; next attempt in " + delay.toMillis() + " ms");
    if (refusal != null && !refusal.reason().isTransient()) {
      context.getLog().warn("relay {} refused this node: {} ({})", name, refusal.reason(), refusal.detail());
    } else {
      context.getLog().info("relay {} ({}): {}; next attempt in {} ms", name, server, why, delay.toMillis());
    }
    refusal = null;
    timers.startSingleTimer(CONNECT_TIMER, new Connect(), delay);
    return backingOff();
  }

  private void connect() {
    // Before the stream starts: a listener that drops what the previous connection told it on
    // CONNECTING would otherwise also drop what this one already reported.
    setState(State.CONNECTING, Optional.empty(), "connecting");
    long id = ++connection;
    SendQueue q = new SendQueue(settings.sendQueuePackets(), SendQueue.CONTROL_CAPACITY, settings.observer());
    q.offerControl(RelayFraming.encode(settings.hello()));
    queue = q;
    ActorRef<Command> self = context.getSelf();
    var transport = dialer.connect();
    server = dialer.target();
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        Source.fromGraph(new SendQueueSource(q, settings.writeTimeout(), SendQueueSource.MAX_BATCH_BYTES))
            .keepAlive(RelayProtocol.CLIENT_PING_INTERVAL, () -> RelayFraming.encode(new Ping(PING_DATA.incrementAndGet())))
            .viaMat(KillSwitches.single(), Keep.right())
            .via(transport)
            .via(RelayFraming.decoder())
            .idleTimeout(RelayProtocol.CLIENT_READ_TIMEOUT)
            .toMat(Sink.foreach(frame -> onFrame(id, q, self, frame)), Keep.both())
            .run(context.getSystem());
    killSwitch = running.first();
    context.pipeToSelf(running.second(), (done, failure) -> new Ended(id, failure));
  }

  /** Runs on the connection's stream, not in the actor. */
  private void onFrame(long id, SendQueue q, ActorRef<Command> self, RelayFrame frame) {
    switch (frame) {
      case RecvPacket p -> listener.onPacket(p.source(), p.packet());
      case Ping p -> q.offerControl(RelayFraming.encode(new Pong(p.data())));
      case Pong p -> { }
      case KeepAlive k -> { }
      case PeerGone g -> listener.onPeerGone(g.peer(), g.reason());
      case PeerPresent p -> listener.onPeerPresent(p.peer());
      case Health h -> listener.onHealth(h.problem());
      case ServerInfo info -> self.tell(new Admitted(id, info));
      case ServerRestarting r -> self.tell(new Restarting(id, r));
      case Closing c -> self.tell(new Refused(id, c));
      default -> throw new RelayProtocolException("relay sent " + frame.type() + ", which only clients send");
    }
  }

  private void setState(State state, Optional<CloseReason> refusal, String detail) {
    shared.state = state;
    listener.onStateChanged(state, refusal, detail);
  }
}
