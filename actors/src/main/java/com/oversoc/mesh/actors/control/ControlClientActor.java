package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.actors.control.ControlClient.Listener;
import com.oversoc.mesh.actors.control.ControlClient.Shared;
import com.oversoc.mesh.actors.control.ControlClient.State;
import com.oversoc.mesh.actors.control.ControlClient.Stopped;
import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.NodeKeySchedule;
import com.oversoc.mesh.protocol.control.RetryPolicy;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The state machine behind {@link ControlClient}: connecting, streaming, backing off, stopped.
 * One connection at a time, numbered so that late events of an earlier one are ignored; each
 * connection has its own {@link ControlClientSession}, and the next one starts from what the
 * last one learned (a rotated node key, the endpoints to report).
 *
 * <pre>
 *   CONNECTING --first map or key set--> STREAMING
 *        ^   |                               |
 *        |   +------ connection ended -------+--> retryable? --no--> STOPPED (revoked, refused)
 *        |                                        | yes
 *        +--timer-- BACKING_OFF <-- next coordinator, delay from ReconnectBackoff
 * </pre>
 *
 * Frames never pass through this actor: the connection's stream hands them to the session and
 * the listener, and tells the actor only what changes its state.
 *
 * <p>A mesh node's client also rotates the node key (with {@link ControlClientSettings#rotation}):
 * on each connection it checks that the coordinator holds the key this node uses (finishing a
 * rotation confirmed while the node was away, or rotating at once if the coordinator holds a key
 * the node lost), then rotates at the time {@link NodeKeySchedule} gives: the next key is stored,
 * the coordinator asked, and the key committed when it confirms.
 */
final class ControlClientActor {
  sealed interface Command {}

  private record Connect() implements Command {}

  /** The coordinator confirmed the machine is enrolled (ServerHello or RegisterResponse). */
  private record Enrolled(long attempt) implements Command {}

  /** The first full map or key set of the attempt arrived. */
  private record Streaming(long attempt) implements Command {}

  private record Ended(long attempt, Throwable failure) implements Command {}

  record UpdateEndpoints(List<IpEndpoint> endpoints, int homeRelay) implements Command {}

  record Stop() implements Command {}

  private record CloseTimeout() implements Command {}

  /** Time to rotate the node key: its schedule, a retry, or the node asking for it now. */
  record Rotate() implements Command {}

  /** The coordinator confirmed the rotation sent on this attempt. */
  private record Rotated(long attempt, com.oversoc.mesh.protocol.control.pb.RotateNodeKeyResponse response)
      implements Command {}

  /** The rotation in flight got no answer in time. */
  private record RotationUnanswered(long attempt) implements Command {}

  private static final String CONNECT_TIMER = "connect";
  private static final String CLOSE_TIMER = "close";
  private static final String ROTATE_TIMER = "rotate";
  private static final String ROTATION_ANSWER_TIMER = "rotation-answer";
  /** A close whose connection does not end within this long (a stuck peer) is cut short. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** One connection and what its stream reported; the stream thread writes, the actor reads after the end. */
  private static final class Attempt {
    final long id;
    final Endpoint coordinator;
    final ControlClientSession session;
    final SharedKillSwitch killSwitch;
    /** Why the pre-auth key could not be read, if it could not. */
    final Optional<IOException> authKeyProblem;
    volatile ControlException lastError;
    volatile boolean streamingReported;
    ControlClientConnection connection;

    Attempt(long id, Endpoint coordinator, ControlClientSession session, SharedKillSwitch killSwitch,
        Optional<IOException> authKeyProblem) {
      this.id = id;
      this.coordinator = coordinator;
      this.session = session;
      this.killSwitch = killSwitch;
      this.authKeyProblem = authKeyProblem;
    }
  }

  private final String name;
  private final ControlClientSettings settings;
  private final ControlDialer dialer;
  private final Listener listener;
  private final Shared shared;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReconnectBackoff backoff;
  private final Materializer materializer;

  private long attempts;
  private int coordinatorIndex;
  private NodePrivateKey nodeKey;
  /** The key a rotation in flight asks the coordinator to take. */
  private NodePrivateKey rotating;
  private final SecureRandom keyRandom = new SecureRandom();
  private UpdateEndpoints endpoints;
  private Attempt current;

  private ControlClientActor(String name, ControlClientSettings settings, ControlDialer dialer, Listener listener,
      Shared shared, ActorContext<Command> context, TimerScheduler<Command> timers) {
    this.name = name;
    this.settings = settings;
    this.dialer = dialer;
    this.listener = listener;
    this.shared = shared;
    this.context = context;
    this.timers = timers;
    this.backoff = new ReconnectBackoff(settings.backoff(), settings.random());
    this.materializer = Materializer.matFromSystem(context.getSystem());
    this.nodeKey = settings.nodeKey();
  }

  static Behavior<Command> create(String name, ControlClientSettings settings, ControlDialer dialer, Listener listener,
      Shared shared) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ControlClientActor a = new ControlClientActor(name, settings, dialer, listener, shared, ctx, timers);
      a.connect();
      return a.connecting();
    }));
  }

  // ---- states ----

  private Behavior<Command> backingOff() {
    return common(Behaviors.receive(Command.class)
        .onMessage(Connect.class, c -> {
          connect();
          return connecting();
        })
        .onMessage(Stop.class, s -> {
          timers.cancel(CONNECT_TIMER);
          return stopped(new Stopped(Stopped.Reason.CLOSED, "closed by the node"));
        }));
  }

  private Behavior<Command> connecting() {
    return withConnection(Behaviors.receive(Command.class)
        .onMessage(Streaming.class, s -> s.attempt() == current.id, s -> {
          backoff.onAdmitted(settings.clock().nanos());
          setState(State.STREAMING, "streaming from " + current.coordinator + registration(current));
          settings.rotation().ifPresent(this::checkNodeKey);
          return streaming();
        }));
  }

  private Behavior<Command> streaming() {
    return withConnection(Behaviors.receive(Command.class)
        .onMessage(Rotate.class, r -> {
          startRotation();
          return Behaviors.same();
        })
        .onMessage(Rotated.class, r -> r.attempt() == current.id, r -> {
          onRotated(r.response());
          return Behaviors.same();
        })
        .onMessage(RotationUnanswered.class, r -> r.attempt() == current.id && rotating != null, r -> {
          rotating = null;
          context.getLog().warn("control client {}: the coordinator did not confirm the node key rotation within {} s; "
              + "trying again in {} s", name, NodeKeySchedule.CONFIRM_TIMEOUT.toSeconds(),
              NodeKeySchedule.RETRY_AFTER.toSeconds());
          timers.startSingleTimer(ROTATE_TIMER, new Rotate(), NodeKeySchedule.RETRY_AFTER);
          return Behaviors.same();
        }));
  }

  /** What a live connection handles in both of its states. */
  private Behavior<Command> withConnection(BehaviorBuilder<Command> b) {
    return common(b
        .onMessage(Enrolled.class, e -> e.attempt() == current.id, e -> {
          onEnrolled();
          return Behaviors.same();
        })
        .onMessage(Ended.class, e -> e.attempt() == current.id, this::onEnded)
        .onMessage(Stop.class, s -> closing()));
  }

  private Behavior<Command> closing() {
    current.killSwitch.shutdown();
    timers.startSingleTimer(CLOSE_TIMER, new CloseTimeout(), CLOSE_TIMEOUT);
    long last = current.id;
    Stopped closed = new Stopped(Stopped.Reason.CLOSED, "closed by the node");
    return common(Behaviors.receive(Command.class)
        .onMessage(Ended.class, e -> e.attempt() == last, e -> stopped(closed))
        .onMessage(CloseTimeout.class, t -> {
          current.killSwitch.abort(new IOException("closed by the node"));
          return stopped(closed);
        }));
  }

  /** Every state: endpoint updates are remembered, stale events and a second Stop ignored. */
  private Behavior<Command> common(BehaviorBuilder<Command> b) {
    return b
        .onMessage(UpdateEndpoints.class, this::onUpdateEndpoints)
        .onSignal(PostStop.class, s -> {
          // Whatever stopped the actor (the system shutting down included), nothing runs any more.
          shared.state = State.STOPPED;
          shared.stopped.complete(new Stopped(Stopped.Reason.CLOSED, "the actor system stopped"));
          shared.closed.complete(Done.getInstance());
          return Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> stopped(Stopped why) {
    setState(State.STOPPED, why.detail());
    shared.stopped.complete(why);
    shared.closed.complete(Done.getInstance());
    return Behaviors.stopped();
  }

  // ---- events ----

  private void connect() {
    Endpoint target = settings.coordinators().get(coordinatorIndex);
    long id = ++attempts;
    Optional<String> authKey;
    Optional<IOException> authKeyProblem = Optional.empty();
    try {
      authKey = settings.authKey().read();
    } catch (IOException e) {
      authKey = Optional.empty();
      authKeyProblem = Optional.of(e);
    }
    ControlClientSession session = new ControlClientSession(settings.mode(), settings.machineKey().publicKey(), nodeKey,
        settings.coordinatorKey(), authKey, settings.nodeName(), settings.softwareVersion());
    if (endpoints != null) {
      session.updateEndpoints(endpoints.endpoints(), endpoints.homeRelay());
    }
    Attempt a = new Attempt(id, target, session, KillSwitches.shared("control-" + id), authKeyProblem);
    current = a;
    // Before the stream starts, so nothing the connection reports precedes CONNECTING.
    setState(State.CONNECTING, "connecting to " + target);
    ActorRef<Command> self = context.getSelf();
    try {
      Flow<ByteString, ByteString, ?> transport = Flow.<ByteString>create()
          .via(a.killSwitch.<ByteString>flow())
          .via(dialer.connect(target))
          .via(a.killSwitch.<ByteString>flow())
          .idleTimeout(settings.readTimeout());
      a.connection = ControlClientConnection.open(materializer, session, transport, settings.wallClock(),
          settings.keepaliveInterval(), (s, m, r) -> onMessage(a, self, s, m, r));
      context.pipeToSelf(a.connection.closed(), (done, failure) -> new Ended(id, failure));
    } catch (RuntimeException e) {
      // A dialer that cannot even build its flow (e.g. a name it cannot resolve) is a failed attempt.
      self.tell(new Ended(id, e));
    }
  }

  /** Runs on the connection's stream, not in the actor. */
  private void onMessage(Attempt a, ActorRef<Command> self, ControlClientSession session, ServerMessage m,
      ControlClientSession.Reaction r) {
    r.error().ifPresent(e -> a.lastError = e);
    listener.onMessage(session, m, r);
    if (r.error().isEmpty() && (m.hasRegister() || (m.hasHello() && m.getHello().getEnrolled()))) {
      self.tell(new Enrolled(a.id));
    }
    if (r.error().isEmpty() && m.hasRotateNodeKey()) {
      self.tell(new Rotated(a.id, m.getRotateNodeKey()));
    }
    if (!a.streamingReported) {
      boolean streaming;
      synchronized (session) {
        streaming = session.state() == ControlClientSession.State.STREAMING;
      }
      if (streaming) {
        a.streamingReported = true;
        self.tell(new Streaming(a.id));
      }
    }
  }

  private void onEnrolled() {
    try {
      Optional<Path> deleted = settings.authKey().enrolled();
      deleted.ifPresent(f -> context.getLog().info("control client {}: enrolled{}; deleted the pre-auth key file {}",
          name, registration(current), f));
    } catch (IOException e) {
      context.getLog().warn("control client {}: enrolled, but could not delete the pre-auth key file: {}", name,
          e.toString());
    }
  }

  private Behavior<Command> onEnded(Ended e) {
    Attempt a = current;
    ControlClientSession.State state;
    Optional<String> revokedReason;
    synchronized (a.session) {
      state = a.session.state();
      revokedReason = a.session.revokedReason();
    }
    // A rotation in flight is settled on the next connection (checkNodeKey), from what the coordinator holds.
    rotating = null;
    timers.cancel(ROTATE_TIMER);
    timers.cancel(ROTATION_ANSWER_TIMER);
    a.killSwitch.shutdown();
    if (state == ControlClientSession.State.REVOKED) {
      Stopped why = new Stopped(Stopped.Reason.REVOKED, "the coordinator revoked this machine"
          + revokedReason.filter(r -> !r.isBlank()).map(r -> ": " + r).orElse(""));
      context.getLog().error("control client {}: {}; not reconnecting", name, why.detail());
      return stopped(why);
    }
    ControlException error = a.lastError;
    if (state == ControlClientSession.State.FAILED && error != null && !RetryPolicy.retryable(error.code())) {
      Stopped why = new Stopped(Stopped.Reason.REFUSED, refusal(a, error));
      context.getLog().error("control client {}: {}; not reconnecting", name, why.detail());
      return stopped(why);
    }
    Duration delay = backoff.nextDelay(settings.clock().nanos());
    coordinatorIndex = (coordinatorIndex + 1) % settings.coordinators().size();
    String why = error != null && state == ControlClientSession.State.FAILED ? "coordinator " + a.coordinator
        + " refused: " + error : a.coordinator + ": " + describe(e.failure());
    String next = "; next attempt in " + delay.toMillis() + " ms to " + settings.coordinators().get(coordinatorIndex);
    setState(State.BACKING_OFF, why + next);
    if (error != null && error.code() == ControlError.Code.CLOCK_SKEW) {
      context.getLog().warn("control client {}: {}{} (fix this machine's clock)", name, why, next);
    } else {
      context.getLog().info("control client {}: {}{}", name, why, next);
    }
    timers.startSingleTimer(CONNECT_TIMER, new Connect(), delay);
    return backingOff();
  }

  private Behavior<Command> onUpdateEndpoints(UpdateEndpoints u) {
    endpoints = u;
    if (current != null && current.connection != null) {
      Optional<com.oversoc.mesh.protocol.control.pb.ClientMessage> frame;
      synchronized (current.session) {
        frame = current.session.updateEndpoints(u.endpoints(), u.homeRelay());
      }
      frame.ifPresent(current.connection::send);
    }
    return Behaviors.same();
  }

  // ---- node key rotation ----

  /**
   * The map stream started: the coordinator must hold the key this node uses. If it holds the
   * prepared one, a rotation was confirmed while this node was away: commit it. If it holds
   * another, this node lost it: rotate at once. Else rotate when the schedule says.
   */
  private void checkNodeKey(NodeKeyRotation rotation) {
    Optional<NodePublicKey> theirs;
    Optional<Instant> expires;
    synchronized (current.session) {
      theirs = current.session.coordinatorNodeKey();
      expires = current.session.nodeKeyExpiry();
    }
    Instant now = settings.wallClock().instant();
    if (theirs.isPresent() && !theirs.get().equals(nodeKey.publicKey())) {
      Optional<NodePrivateKey> prepared;
      try {
        prepared = rotation.prepared();
      } catch (IOException e) {
        context.getLog().error("control client {}: cannot read the prepared node key: {}", name, e.getMessage());
        prepared = Optional.empty();
      }
      if (prepared.isPresent() && prepared.get().publicKey().equals(theirs.get())) {
        commit(rotation, prepared.get(), now.plus(NodeKeySchedule.RECOVERED_OVERLAP));
      } else {
        context.getLog().warn("control client {}: the coordinator holds node key {}, which this node does not have; "
            + "rotating to a new one", name, theirs.get().shortString());
        startRotation();
        return;
      }
    }
    expires.ifPresent(e -> scheduleRotation(NodeKeySchedule.rotateAt(now, e), now));
  }

  private void scheduleRotation(Instant at, Instant now) {
    Duration delay = Duration.between(now, at);
    timers.startSingleTimer(ROTATE_TIMER, new Rotate(), delay.isNegative() ? Duration.ZERO : delay);
    context.getLog().debug("control client {}: node key rotation at {}", name, at);
  }

  private void startRotation() {
    if (rotating != null || current == null || current.connection == null || settings.rotation().isEmpty()) {
      return;
    }
    NodePrivateKey next = NodePrivateKey.generate(keyRandom);
    try {
      settings.rotation().get().prepare(next);
    } catch (IOException e) {
      context.getLog().error("control client {}: cannot store the next node key ({}); trying again in {} s", name,
          e.getMessage(), NodeKeySchedule.RETRY_AFTER.toSeconds());
      timers.startSingleTimer(ROTATE_TIMER, new Rotate(), NodeKeySchedule.RETRY_AFTER);
      return;
    }
    com.oversoc.mesh.protocol.control.pb.ClientMessage frame;
    synchronized (current.session) {
      frame = current.session.rotateNodeKey(next);
    }
    rotating = next;
    current.connection.send(frame);
    timers.startSingleTimer(ROTATION_ANSWER_TIMER, new RotationUnanswered(current.id), NodeKeySchedule.CONFIRM_TIMEOUT);
    context.getLog().info("control client {}: rotating the node key {} -> {}", name, nodeKey.publicKey().shortString(),
        next.publicKey().shortString());
  }

  private void onRotated(com.oversoc.mesh.protocol.control.pb.RotateNodeKeyResponse r) {
    NodePrivateKey next = rotating;
    if (next == null) {
      return; // answered after its timeout; the next connection's check settles it
    }
    rotating = null;
    timers.cancel(ROTATION_ANSWER_TIMER);
    Instant now = settings.wallClock().instant();
    commit(settings.rotation().orElseThrow(), next, Instant.ofEpochMilli(r.getPreviousKeyValidUntilUnixMs()));
    scheduleRotation(NodeKeySchedule.rotateAt(now, Instant.ofEpochMilli(r.getNodeKeyExpiresUnixMs())), now);
  }

  private void commit(NodeKeyRotation rotation, NodePrivateKey next, Instant previousValidUntil) {
    try {
      rotation.committed(next, previousValidUntil);
    } catch (IOException e) {
      // The coordinator holds the new key: the next connection's check finds it prepared and commits again.
      context.getLog().error("control client {}: the coordinator took node key {}, but it could not be made this "
          + "node's: {}", name, next.publicKey().shortString(), e.getMessage());
      return;
    }
    NodePublicKey old = nodeKey.publicKey();
    nodeKey = next;
    context.getLog().info("control client {}: node key rotated {} -> {}; peers accept the old one until {}", name,
        old.shortString(), next.publicKey().shortString(), previousValidUntil);
  }

  // ---- text ----

  /** What the operator must fix, in one line. */
  private String refusal(Attempt a, ControlException error) {
    String text = "coordinator " + a.coordinator + " refused this machine: " + error;
    if (error.code() == ControlError.Code.NOT_ENROLLED) {
      return text + "; " + a.authKeyProblem.map(p -> "the pre-auth key could not be read: " + p.getMessage())
          .orElseGet(() -> "found no pre-auth key: " + settings.authKey().source());
    }
    if (error.code().name().startsWith("AUTH_KEY_")) {
      return text + " (from " + settings.authKey().source() + "); create a new one with ovsgw admin keys create";
    }
    return text;
  }

  private static String registration(Attempt a) {
    synchronized (a.session) {
      return a.session.registration().map(r -> " as node " + r.getNodeId()).orElse("");
    }
  }

  private String describe(Throwable failure) {
    if (failure == null) {
      return "connection closed";
    }
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof TimeoutException) {
      return "nothing received for " + settings.readTimeout().toMillis() + " ms; connection dropped";
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ChannelException ce) {
        return "secure channel failed: " + ce.getMessage();
      }
    }
    String message = t.getMessage();
    return "connection failed: " + (message == null ? t.getClass().getSimpleName() : message.replace('\n', ' '));
  }

  private void setState(State state, String detail) {
    shared.state = state;
    listener.onStateChanged(state, detail);
  }
}
