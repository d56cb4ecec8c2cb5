package com.oversoc.mesh.actors.netcheck;

import com.oversoc.mesh.actors.netcheck.NetcheckClient.Listener;
import com.oversoc.mesh.actors.netcheck.NetcheckClient.Shared;
import com.oversoc.mesh.actors.path.PathAddress;
import com.oversoc.mesh.actors.path.UdpDatagramPort;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.netcheck.Netcheck;
import com.oversoc.mesh.protocol.netcheck.Report;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The state machine behind {@link NetcheckClient}: one round at a time over the node's UDP socket.
 *
 * <pre>
 *   IDLE --relay map changed, or ROUND_TIMER--> RESOLVING --names resolved--> PROBING
 *    ^                                            ^  (blocking dispatcher)       |
 *    |                                            +---- relay map changed -------+ (round abandoned)
 *    +------------- round done: report to the listener, ROUND_TIMER in interval -+
 * </pre>
 *
 * Datagrams reach it from the socket's reader thread, stamped with their arrival time so that
 * the actor's mailbox does not add to the latency measured; outside a round they are dropped
 * (late answers). A relay map that equals the current one changes nothing.
 */
final class NetcheckActor {
  sealed interface Command {}

  record SetRelayMap(RelayMap map) implements Command {}

  /** A STUN datagram the socket took out of WireGuard's way, and when it arrived. */
  record Received(byte[] datagram, long atNanos) implements Command {}

  record Stop() implements Command {}

  private record RoundDue() implements Command {}

  private record Tick() implements Command {}

  /** Names resolved for a relay map; {@code generation} tells a stale result (the map changed meanwhile). */
  private record Resolved(long generation, StunTargets.Result result, Throwable failure) implements Command {}

  private static final String ROUND_TIMER = "round";
  private static final String TICK_TIMER = "tick";

  /** What the actor is built with. */
  record Setup(UdpDatagramPort udp, Duration interval, StunTargets.Resolver resolver, MonotonicClock clock,
      RandomGenerator random, Listener listener, Shared shared) {}

  private final Setup setup;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Executor blocking;
  private final boolean ipv6Socket;

  private RelayMap map;
  private long generation;
  private OptionalInt home = OptionalInt.empty();
  private List<String> lastProblems = List.of();

  private NetcheckActor(Setup setup, ActorContext<Command> context, TimerScheduler<Command> timers) {
    this.setup = setup;
    this.context = context;
    this.timers = timers;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.ipv6Socket = setup.udp().localAddress().getAddress() instanceof Inet6Address;
  }

  static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new NetcheckActor(setup, context, timers).idle()));
  }

  /** What every state does: a new relay map starts a round at once, Stop stops. */
  private BehaviorBuilder<Command> inEveryState() {
    return Behaviors.receive(Command.class)
        .onMessage(SetRelayMap.class, this::onRelayMap)
        .onMessage(Stop.class, m -> Behaviors.stopped());
  }

  /** No round running: waiting for a relay map or the next round; a late answer is dropped. */
  private Behavior<Command> idle() {
    return inEveryState()
        .onMessage(RoundDue.class, m -> resolve())
        .onMessage(Received.class, m -> Behaviors.same())
        .build();
  }

  /** The relay map's names are being resolved on the blocking dispatcher. */
  private Behavior<Command> resolving(long awaited) {
    return inEveryState()
        .onMessage(Resolved.class, r -> r.generation() == awaited ? onResolved(r) : Behaviors.same())
        .onMessage(Received.class, m -> Behaviors.same())
        .build();
  }

  /** A round is running. */
  private Behavior<Command> probing(Netcheck round) {
    return inEveryState()
        .onMessage(Tick.class, t -> {
          send(round.onTick(setup.clock().nanos()));
          return next(round);
        })
        .onMessage(Received.class, r -> {
          round.onDatagram(r.datagram(), r.datagram().length, r.atNanos());
          return round.isDone() ? finish(round) : Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onRelayMap(SetRelayMap m) {
    if (m.map().equals(map)) {
      return Behaviors.same();
    }
    map = m.map();
    timers.cancelAll();
    return resolve();
  }

  private Behavior<Command> resolve() {
    long g = ++generation;
    RelayMap snapshot = map;
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> StunTargets.of(snapshot, ipv6Socket, setup.resolver()), blocking),
        (result, failure) -> new Resolved(g, result, failure));
    return resolving(g);
  }

  private Behavior<Command> onResolved(Resolved r) {
    if (r.failure() != null) {
      context.getLog().warn("netcheck: resolving the relay map failed, next round in {}", setup.interval(),
          r.failure());
      timers.startSingleTimer(ROUND_TIMER, new RoundDue(), setup.interval());
      return idle();
    }
    if (!r.result().problems().equals(lastProblems)) {
      lastProblems = r.result().problems();
      r.result().problems().forEach(p -> context.getLog().warn("netcheck: {}", p));
    }
    Netcheck round = new Netcheck(r.result().regions(), home, setup.random());
    send(round.start(setup.clock().nanos()));
    return next(round);
  }

  /** After the round moved: its report if it is done, else a timer for its next tick. */
  private Behavior<Command> next(Netcheck round) {
    if (round.isDone()) {
      return finish(round);
    }
    long delay = Math.max(0, round.nextTickNanos() - setup.clock().nanos());
    timers.startSingleTimer(TICK_TIMER, new Tick(), Duration.ofNanos(delay));
    return probing(round);
  }

  private Behavior<Command> finish(Netcheck round) {
    timers.cancel(TICK_TIMER);
    Report report = round.report();
    home = report.home().map(h -> OptionalInt.of(h.region())).orElse(OptionalInt.empty());
    setup.shared().last = report;
    try {
      setup.listener().onReport(report);
    } catch (RuntimeException e) {
      context.getLog().error("netcheck: the report listener failed", e);
    }
    timers.startSingleTimer(ROUND_TIMER, new RoundDue(), setup.interval());
    return idle();
  }

  private void send(List<Netcheck.Send> datagrams) {
    for (Netcheck.Send s : datagrams) {
      // A failed send is a lost request: the probe's own retransmissions cover it.
      setup.udp().send(new PathAddress.Direct(new InetSocketAddress(s.to().address().toInetAddress(), s.to().port())),
          s.datagram());
    }
  }
}
