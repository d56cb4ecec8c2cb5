package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.actors.relay.RelayFraming;
import com.oversoc.mesh.actors.relay.RelayProtocolException;
import com.oversoc.mesh.actors.relay.WriteTimeoutException;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrame.Health;
import com.oversoc.mesh.protocol.relay.RelayFrame.KeepAlive;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayFrameException;
import com.oversoc.mesh.protocol.relay.RelayFrames;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.admission.ActiveKeys;
import com.oversoc.mesh.relay.admission.Admission;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The control plane of one connection: waits for the hello, admits or refuses it, sends
 * keepalives, and closes the connection with a reason when the key is revoked or replaced, the
 * peer misbehaves, or the relay shuts down. Packets never pass through it; the connection's
 * {@link InboundFrames} stage routes them straight to the destination's queue.
 *
 * <pre>
 * awaitingHello --admitted--> active --(revoked | replaced | malformed | idle | shutdown)--> closing
 *       \--refused / malformed / hello timeout-----------------------------------------------^
 * closing: CLOSING(reason) is the last frame written; the actor stops once both directions ended.
 * </pre>
 */
final class RelayStream {
  sealed interface Command {}

  /** The first frame; {@code admitted} tells the inbound stage whether to read on. */
  record Hello(RelayFrame hello, CompletableFuture<Boolean> admitted) implements Command {}

  /** The inbound stage saw a frame the protocol does not allow here. */
  record Misbehaved(CloseReason reason, String detail) implements Command {}

  /** Nothing more will be read; {@code failure} is null when the peer closed. */
  record InboundEnded(Throwable failure) implements Command {}

  /** Nothing more will be written; {@code failure} is null after a normal completion. */
  record OutboundEnded(Throwable failure) implements Command {}

  /** The key left the coordinator's active set. */
  record KeyRemoved(ActiveKeys.Status status) implements Command {}

  /** A newer connection proved the same key. */
  record Replaced(String newRemote) implements Command {}

  /** The relay is stopping; {@code restarting} is sent first when it plans to come back. */
  record Shutdown(Optional<ServerRestarting> restarting) implements Command {}

  private record KeepaliveTick() implements Command {}

  private record HelloTimeout() implements Command {}

  private static final String HELLO_TIMER = "hello";
  private static final String KEEPALIVE_TIMER = "keepalive";

  private final ClientSession session;
  private final RelayServices services;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private boolean inboundDone;
  private boolean outboundDone;
  private boolean left;

  private RelayStream(ClientSession session, RelayServices services, ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    this.session = session;
    this.services = services;
    this.context = context;
    this.timers = timers;
  }

  static Behavior<Command> create(ClientSession session, RelayServices services) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      services.registry().opened(session);
      timers.startSingleTimer(HELLO_TIMER, new HelloTimeout(), RelayProtocol.HELLO_TIMEOUT);
      return new RelayStream(session, services, ctx, timers).awaitingHello();
    }));
  }

  private Behavior<Command> awaitingHello() {
    return withEndings(Behaviors.receive(Command.class)
        .onMessage(Hello.class, this::onHello)
        .onMessage(HelloTimeout.class, t -> closeWith(CloseReason.HELLO_TIMEOUT,
            "no hello within " + RelayProtocol.HELLO_TIMEOUT.toSeconds() + " s", PeerGoneReason.DISCONNECTED))
        .onMessage(Misbehaved.class, m -> closeWith(m.reason(), m.detail(), PeerGoneReason.DISCONNECTED))
        .onMessage(Shutdown.class, this::onShutdown))
        .build();
  }

  private Behavior<Command> active() {
    return withEndings(Behaviors.receive(Command.class)
        .onMessage(KeepaliveTick.class, t -> {
          session.queue.offerControl(RelayFraming.encode(new KeepAlive()));
          scheduleKeepalive();
          return Behaviors.same();
        })
        .onMessage(KeyRemoved.class, r -> r.status() == ActiveKeys.Status.REVOKED
            ? closeWith(CloseReason.REVOKED, "node key " + session.key.shortString() + " was revoked",
                PeerGoneReason.REVOKED)
            : closeWith(CloseReason.NOT_ENROLLED, "node key " + session.key.shortString()
                + " is no longer in the coordinator's active set", PeerGoneReason.DISCONNECTED))
        .onMessage(Replaced.class, r -> {
          // The registry already routes the key to the newer connection, so leaving announces nothing.
          leave(PeerGoneReason.DISCONNECTED);
          return close(CloseReason.REPLACED, "a newer connection from " + r.newRemote() + " proved the same key",
              DropReason.DUPLICATE_CLIENT);
        })
        .onMessage(Misbehaved.class, m -> closeWith(m.reason(), m.detail(), PeerGoneReason.DISCONNECTED))
        .onMessage(Shutdown.class, this::onShutdown))
        .build();
  }

  private Behavior<Command> closing() {
    return withEndings(Behaviors.receive(Command.class)).build();
  }

  /** Both directions ending are handled the same way in every state. */
  private BehaviorBuilder<Command> withEndings(BehaviorBuilder<Command> b) {
    return b
        .onMessage(InboundEnded.class, e -> {
          inboundDone = true;
          return onInboundEnded(e.failure());
        })
        .onMessage(OutboundEnded.class, e -> {
          outboundDone = true;
          if (!left) {
            if (e.failure() instanceof WriteTimeoutException) {
              services.metrics().writeTimeout();
              context.getLog().info("{}: write timeout, disconnecting", session);
            }
            leave(PeerGoneReason.DISCONNECTED);
            session.queue.close(null, e.failure() == null ? DropReason.GONE : DropReason.WRITE_ERROR);
          }
          return maybeStop();
        })
        .onAnyMessage(m -> Behaviors.same());
  }

  private Behavior<Command> onInboundEnded(Throwable failure) {
    if (left) {
      return maybeStop();
    }
    if (failure instanceof RelayFrameException e) {
      return closeWith(CloseReason.MALFORMED_FRAME, e.getMessage(), PeerGoneReason.DISCONNECTED);
    }
    if (failure instanceof RelayProtocolException e) {
      return closeWith(CloseReason.PROTOCOL_VIOLATION, e.getMessage(), PeerGoneReason.DISCONNECTED);
    }
    if (failure instanceof TimeoutException) {
      return closeWith(CloseReason.IDLE_TIMEOUT,
          "nothing received for " + RelayProtocol.SERVER_READ_TIMEOUT.toSeconds() + " s", PeerGoneReason.DISCONNECTED);
    }
    if (failure != null) {
      context.getLog().debug("{}: connection failed: {}", session, failure.toString());
    }
    leave(PeerGoneReason.DISCONNECTED);
    session.queue.close(null, DropReason.GONE);
    return maybeStop();
  }

  private Behavior<Command> onHello(Hello h) {
    timers.cancel(HELLO_TIMER);
    RelayFrame hello = h.hello();
    int version = hello instanceof ClientInfo ci ? ci.version() : ((MeshHello) hello).version();
    if (version != RelayProtocol.VERSION) {
      h.admitted().complete(false);
      return closeWith(CloseReason.UNSUPPORTED_VERSION, "this relay speaks protocol version " + RelayProtocol.VERSION
          + ", the client version " + version, PeerGoneReason.DISCONNECTED);
    }
    RelaySettings settings = services.settings();
    if (hello instanceof MeshHello mesh) {
      if (settings.meshKey().isEmpty() || !settings.meshKey().get().matches(mesh.meshKey())) {
        h.admitted().complete(false);
        return closeWith(CloseReason.MESH_KEY_MISMATCH, settings.meshKey().isEmpty()
            ? "this relay is not part of a relay mesh" : "mesh key does not match", PeerGoneReason.DISCONNECTED);
      }
      session.kind = ClientSession.Kind.MESH;
      session.queue.offerControl(RelayFraming.encode(
          new ServerInfo(RelayProtocol.VERSION, settings.keepalive(), 0, 0)));
      services.registry().addWatcher(session);
      services.metrics().meshWatcherJoined();
      context.getLog().info("{}: sibling relay joined the mesh", session);
      h.admitted().complete(true);
      scheduleKeepalive();
      return active();
    }
    ClientInfo info = (ClientInfo) hello;
    Admission.Decision decision = services.admission().decide(session.key);
    if (decision instanceof Admission.Refuse r) {
      h.admitted().complete(false);
      return closeWith(r.reason(), r.detail(), PeerGoneReason.DISCONNECTED);
    }
    session.kind = ClientSession.Kind.NODE;
    session.home = info.home();
    session.queue.offerControl(RelayFraming.encode(new ServerInfo(RelayProtocol.VERSION, settings.keepalive(),
        settings.clientRateBytesPerSecond(), settings.clientRateBytesPerSecond() == 0 ? 0 : settings.clientBurstBytes())));
    ClientSession displaced = services.registry().register(session);
    if (displaced != null) {
      displaced.actor.tell(new Replaced(session.remote));
      session.queue.offerControl(RelayFraming.encode(new Health(RelayFrames.truncateUtf8(
          "this key was already connected from " + displaced.remote + "; that connection was closed. "
              + "If this repeats, two nodes share one key.", RelayProtocol.MAX_TEXT_LENGTH))));
    }
    services.metrics().clientAdmitted(session.home);
    h.admitted().complete(true);
    scheduleKeepalive();
    return active();
  }

  private Behavior<Command> onShutdown(Shutdown s) {
    s.restarting().ifPresent(r -> session.queue.offerControl(RelayFraming.encode(r)));
    return closeWith(CloseReason.SHUTTING_DOWN, "the relay is shutting down", PeerGoneReason.DISCONNECTED);
  }

  /** Stops routing to this connection, then closes it with {@code reason}. */
  private Behavior<Command> closeWith(CloseReason reason, String detail, PeerGoneReason gone) {
    leave(gone);
    return close(reason, detail, DropReason.GONE);
  }

  private Behavior<Command> close(CloseReason reason, String detail, DropReason drop) {
    timers.cancelAll();
    services.metrics().closed(reason);
    if (reason.isTransient() || reason == CloseReason.REPLACED) {
      context.getLog().debug("{}: closing: {} ({})", session, reason, detail);
    } else {
      context.getLog().info("{}: closing: {} ({})", session, reason, detail);
    }
    session.queue.close(RelayFraming.encode(new Closing(reason,
        RelayFrames.truncateUtf8(detail, RelayProtocol.MAX_TEXT_LENGTH))), drop);
    return maybeStop();
  }

  private void leave(PeerGoneReason gone) {
    if (left) {
      return;
    }
    left = true;
    switch (session.kind) {
      case NODE -> {
        services.registry().unregister(session, gone);
        services.metrics().clientLeft(session.home);
      }
      case MESH -> {
        services.registry().unregister(session, gone);
        services.metrics().meshWatcherLeft();
      }
      case PENDING -> { }
    }
  }

  private Behavior<Command> maybeStop() {
    if (inboundDone && outboundDone) {
      services.registry().closed(session);
      return Behaviors.stopped();
    }
    return left ? closing() : Behaviors.same();
  }

  private void scheduleKeepalive() {
    RelaySettings s = services.settings();
    long jitter = s.keepaliveJitter().isZero() ? 0 : ThreadLocalRandom.current().nextLong(s.keepaliveJitter().toNanos());
    timers.startSingleTimer(KEEPALIVE_TIMER, new KeepaliveTick(), s.keepalive().plus(Duration.ofNanos(jitter)));
  }
}
