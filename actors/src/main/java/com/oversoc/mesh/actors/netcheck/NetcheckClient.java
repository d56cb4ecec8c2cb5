package com.oversoc.mesh.actors.netcheck;

import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.path.DatagramDiversion;
import com.oversoc.mesh.actors.path.UdpDatagramPort;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.netcheck.NetcheckDefaults;
import com.oversoc.mesh.protocol.netcheck.Report;
import com.oversoc.mesh.protocol.stun.StunCodec;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * A node's netcheck: a round of STUN probes to every relay region over the node's UDP socket as
 * soon as it has a relay map, again at once whenever the map changes, and every
 * {@link NetcheckDefaults#ROUND_INTERVAL} after each round. The socket hands it every STUN
 * datagram (top two bits zero and the magic cookie, which no WireGuard message has) before
 * WireGuard sees them, so the probes and their answers use the very socket whose mapping they
 * report. Each round's {@link Report} goes to the listener.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class NetcheckClient implements AutoCloseable {
  /** Told each round's report. */
  @FunctionalInterface
  public interface Listener {
    /** Called on the netcheck's actor after every round; must not block. */
    void onReport(Report report);
  }

  /** What the actor publishes for readers on other threads. */
  static final class Shared {
    volatile Report last;
  }

  private final ActorRef<NetcheckActor.Command> actor;
  private final UdpDatagramPort udp;
  private final DatagramDiversion diversion;
  private final Shared shared;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NetcheckClient(ActorRef<NetcheckActor.Command> actor, UdpDatagramPort udp, DatagramDiversion diversion,
      Shared shared) {
    this.actor = actor;
    this.udp = udp;
    this.diversion = diversion;
    this.shared = shared;
  }

  /** A netcheck over {@code udp}, with the production defaults: rounds every 30 s, system DNS, clock and randomness. */
  public static NetcheckClient start(ActorSystem<?> system, String name, UdpDatagramPort udp, Listener listener) {
    return start(system, name, udp, NetcheckDefaults.ROUND_INTERVAL, StunTargets.Resolver.SYSTEM,
        SystemClocks.MONOTONIC, new SecureRandom(), listener);
  }

  /** The same with the interval between rounds, name resolution, clock and randomness given (tests). */
  static NetcheckClient start(ActorSystem<?> system, String name, UdpDatagramPort udp, Duration interval,
      StunTargets.Resolver resolver, MonotonicClock clock, RandomGenerator random, Listener listener) {
    Shared shared = new Shared();
    ActorRef<NetcheckActor.Command> ref = system.systemActorOf(
        NetcheckActor.create(new NetcheckActor.Setup(udp, interval, resolver, clock, random, listener, shared)),
        "netcheck-" + name.replaceAll("[^A-Za-z0-9_-]", "_"), Props.empty());
    DatagramDiversion stun = (from, datagram) -> {
      if (!StunCodec.looksLikeStun(datagram, datagram.length)) {
        return false;
      }
      ref.tell(new NetcheckActor.Received(datagram, clock.nanos()));
      return true;
    };
    udp.addDiversion(stun);
    return new NetcheckClient(ref, udp, stun, shared);
  }

  /**
   * The relay map to probe: starts a round at once if it differs from the last one (abandoning a
   * round in progress), and is ignored if it is the same.
   */
  public void relayMapChanged(RelayMap map) {
    actor.tell(new NetcheckActor.SetRelayMap(map));
  }

  /** The last round's report, empty before the first round ends. */
  public Optional<Report> lastReport() {
    return Optional.ofNullable(shared.last);
  }

  /** Stops the rounds; STUN datagrams reach the socket's receiver again. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      udp.removeDiversion(diversion);
      actor.tell(new NetcheckActor.Stop());
    }
  }
}
