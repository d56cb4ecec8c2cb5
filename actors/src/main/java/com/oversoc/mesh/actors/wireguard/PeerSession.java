package com.oversoc.mesh.actors.wireguard;

import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.wireguard.CookieReply;
import com.oversoc.mesh.protocol.wireguard.DropReason;
import com.oversoc.mesh.protocol.wireguard.HandshakeResponse;
import com.oversoc.mesh.protocol.wireguard.Keypair;
import com.oversoc.mesh.protocol.wireguard.OpenedInitiation;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerEvent;
import com.oversoc.mesh.protocol.wireguard.PeerOutput;
import com.oversoc.mesh.protocol.wireguard.ReceiveResult;
import com.oversoc.mesh.protocol.wireguard.Timers;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One peer's WireGuard session as an actor. It owns the pure {@link Peer} (nobody else touches
 * it), feeds it what the router and the handshake worker hand over, and keeps one keyed Pekko
 * timer per {@link Timers.Name} in step with the peer's deadlines. The behaviour is the peer's
 * state:
 *
 * <pre>
 *   idle --Send (starts a handshake) / Initiation from the peer--> handshaking
 *   handshaking --Response / first data under the new keys--> established
 *   established --REJECT_AFTER_TIME without a new handshake--> expired
 *   expired --ZERO_KEY_MATERIAL timer--> idle;  any --Remove--> stopped (keys zeroed)
 * </pre>
 *
 * Every message is accepted in every state (a late response, a retransmitted packet); the peer
 * decides what it means and drops what does not fit, so the states differ in what they are for,
 * not in what they refuse.
 */
public final class PeerSession {
  public sealed interface Command {}

  /** A packet for the peer (the session owns the array from now on). */
  public record Send(byte[] packet) implements Command {}

  /**
   * A packet for the peer over one given path (a path probe, or its answer): sealed at once if a
   * session exists, else it waits like any packet and leaves by the session's own choice.
   */
  public record SendVia(byte[] packet, Object path) implements Command {}

  /** An initiation from this peer, opened by the handshake worker. */
  public record Initiation(OpenedInitiation initiation, Object source) implements Command {}

  /** A response to this peer's initiation in flight, admitted by the handshake worker. */
  public record Response(HandshakeResponse response, Object source) implements Command {}

  /** A cookie reply addressed to this peer's last handshake message. */
  public record Cookie(CookieReply reply) implements Command {}

  /** Transport data under one of this peer's key pairs. */
  public record Transport(Keypair keypair, byte[] datagram, Object source) implements Command {}

  /** Start a new handshake now (rekey at will); replies whether an initiation went out. */
  public record Rekey(ActorRef<Boolean> replyTo) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** The peer left the map: zero everything and stop. */
  public record Remove(ActorRef<Done> replyTo) implements Command {}

  private record Tick(Timers.Name name) implements Command {}

  /** The session's keys reached REJECT_AFTER_TIME: time alone moved it out of "established". */
  private record Expire() implements Command {}

  private static final String EXPIRE_TIMER = "expire";

  /**
   * The session's state and counters, and when it acts next on its own (a timer or the expiry
   * of its keys; {@link Timers#NONE} for never), in the monotonic time of its clock.
   */
  public record Status(Peer.State state, Peer.Stats stats, long nextDeadline) {}

  private final Peer peer;
  private final SessionWiring wiring;
  private final MonotonicClock clock;
  private final TimerScheduler<Command> timers;
  private final ActorContext<Command> context;
  private final long[] scheduled = new long[Timers.Name.values().length];
  private final PeerOutput out;
  private Peer.State state;
  /** The path what the current call transmits must take, or null: set while a call answers a message. */
  private Object via;
  /** The path the message being processed arrived on. */
  private Object source;
  private long scheduledExpiry = Timers.NONE;

  private PeerSession(Peer peer, SessionWiring wiring, MonotonicClock clock, TimerScheduler<Command> timers,
      ActorContext<Command> context) {
    this.peer = peer;
    this.wiring = wiring;
    this.clock = clock;
    this.timers = timers;
    this.context = context;
    java.util.Arrays.fill(scheduled, Timers.NONE);
    this.out = new PeerOutput() {
      @Override
      public void transmit(byte[] datagram) {
        wiring.transmit(datagram, via);
      }

      @Override
      public void deliver(byte[] packet) {
        wiring.deliver(packet, source);
      }

      @Override
      public void event(PeerEvent event) {
        wiring.event(event);
      }

      @Override
      public void dropped(DropReason reason) {
        wiring.dropped(reason);
      }
    };
  }

  /**
   * @param peer a peer made for this session only; the actor owns it from now on
   * @param clock the monotonic time the peer's timers are in (a manual one in tests, moved with
   *     Pekko's ManualTime)
   */
  public static Behavior<Command> create(Peer peer, SessionWiring wiring, MonotonicClock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      PeerSession s = new PeerSession(peer, wiring, clock, timers, ctx);
      s.state = peer.state(clock.nanos());
      return s.behaviorFor(s.state);
    }));
  }

  /** No session and no handshake. A Send starts one (if this side may initiate); the peer's initiation is answered. */
  private Behavior<Command> idle() {
    return handlers().build();
  }

  /** An initiation is in flight (RETRANSMIT_HANDSHAKE armed), or a responder's key pair awaits confirmation. Packets wait. */
  private Behavior<Command> handshaking() {
    return handlers().build();
  }

  /** A key pair can send: packets go out at once; SEND_KEEPALIVE and NEW_HANDSHAKE watch the traffic. */
  private Behavior<Command> established() {
    return handlers().build();
  }

  /** The key pairs are too old to send or accept; a Send starts a new handshake, ZERO_KEY_MATERIAL clears them. */
  private Behavior<Command> expired() {
    return handlers().build();
  }

  private Behavior<Command> behaviorFor(Peer.State s) {
    return switch (s) {
      case IDLE -> idle();
      case HANDSHAKING -> handshaking();
      case ESTABLISHED -> established();
      case EXPIRED -> expired();
    };
  }

  private BehaviorBuilder<Command> handlers() {
    return Behaviors.receive(Command.class)
        .onMessage(Send.class, m -> step(() -> peer.send(m.packet(), clock.nanos(), out)))
        .onMessage(SendVia.class, m -> step(() -> {
          via = m.path();
          try {
            peer.send(m.packet(), clock.nanos(), out);
          } finally {
            via = null;
          }
        }))
        .onMessage(Initiation.class, m -> received(() -> peer.onInitiation(m.initiation(), clock.nanos(), out), m.source()))
        .onMessage(Response.class, m -> received(() -> peer.onResponse(m.response(), clock.nanos(), out), m.source()))
        .onMessage(Cookie.class, m -> received(() -> peer.onCookieReply(m.reply(), clock.nanos(), out), null))
        .onMessage(Transport.class, m -> received(
            () -> peer.onTransportData(m.keypair(), m.datagram(), m.datagram().length, clock.nanos(), out), m.source()))
        .onMessage(Tick.class, m -> {
          // That Pekko timer is spent; if the peer's deadline is not due yet, the sync re-arms it.
          scheduled[m.name().ordinal()] = Timers.NONE;
          return step(() -> peer.onTimer(m.name(), clock.nanos(), out));
        })
        .onMessage(Expire.class, m -> {
          scheduledExpiry = Timers.NONE;
          return step(() -> {});
        })
        .onMessage(Rekey.class, m -> step(() -> m.replyTo().tell(peer.initiateHandshake(clock.nanos(), out))))
        .onMessage(GetStatus.class, m -> {
          long now = clock.nanos();
          m.replyTo().tell(new Status(peer.state(now), peer.stats(),
              Math.min(peer.nextDeadline(), peer.nextStateChange(now))));
          return Behaviors.same();
        })
        .onMessage(Remove.class, m -> {
          peer.remove(out);
          timers.cancelAll();
          m.replyTo().tell(Done.getInstance());
          return Behaviors.stopped();
        });
  }

  /**
   * Runs a receive call. What it transmits (a response, a keepalive, packets the new session
   * released) goes back the way the message came, which is the one path known to reach the peer.
   */
  private Behavior<Command> received(Supplier<ReceiveResult> call, Object from) {
    return step(() -> {
      via = from;
      source = from;
      ReceiveResult result;
      try {
        result = call.get();
      } finally {
        via = null;
        source = null;
      }
      if (result.isAccepted() && from != null) {
        wiring.authenticated(from);
      }
    });
  }

  /** Runs one operation on the peer, then brings the Pekko timers and the behaviour in line with it. */
  private Behavior<Command> step(Runnable operation) {
    operation.run();
    long now = clock.nanos();
    syncTimers(now);
    long expiry = peer.nextStateChange(now);
    if (expiry != scheduledExpiry) {
      scheduledExpiry = expiry;
      if (expiry == Timers.NONE) {
        timers.cancel(EXPIRE_TIMER);
      } else {
        timers.startSingleTimer(EXPIRE_TIMER, new Expire(), Duration.ofNanos(Math.max(0, expiry - now)));
      }
    }
    Peer.State next = peer.state(now);
    if (next == state) {
      return Behaviors.same();
    }
    Peer.State previous = state;
    state = next;
    context.getLog().debug("peer {}: {} -> {}", peer.publicKey().shortString(), previous, next);
    wiring.stateChanged(previous, next);
    return behaviorFor(next);
  }

  private void syncTimers(long now) {
    for (Timers.Name name : Timers.Name.values()) {
      long deadline = peer.timers().deadline(name);
      if (deadline == scheduled[name.ordinal()]) {
        continue;
      }
      scheduled[name.ordinal()] = deadline;
      if (deadline == Timers.NONE) {
        timers.cancel(name);
      } else {
        timers.startSingleTimer(name, new Tick(name), Duration.ofNanos(Math.max(0, deadline - now)));
      }
    }
  }
}
