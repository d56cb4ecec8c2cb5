package com.oversoc.mesh.actors.wireguard;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.wireguard.CookieChecker;
import com.oversoc.mesh.protocol.wireguard.Demux;
import com.oversoc.mesh.protocol.wireguard.DropReason;
import com.oversoc.mesh.protocol.wireguard.HandshakeIntake;
import com.oversoc.mesh.protocol.wireguard.IndexTable;
import com.oversoc.mesh.protocol.wireguard.InitiationOpener;
import com.oversoc.mesh.protocol.wireguard.LoadMonitor;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerConfig;
import com.oversoc.mesh.protocol.wireguard.SessionContext;
import com.oversoc.mesh.protocol.wireguard.SourceAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A WireGuard interface made of actors: one {@link PeerSession} per peer, one
 * {@link HandshakeWorker}, and the routing between them and the paths. The receive pipeline:
 *
 * <pre>
 *  path -> receive(datagram, source) -> Demux (form, index table)
 *     initiation, response -> HandshakeWorker (mac1, load: mac2 or cookie, rate; open: DH)
 *                                -> PeerSession of that peer
 *     cookie reply, transport -> PeerSession named by the receiver index
 *  PeerSession -> SessionWiring.transmit (the peer's path) / deliver (the layer above)
 * </pre>
 *
 * Thread-safe: paths call {@link #receive} from their own threads; peers are added and removed
 * from any thread.
 */
public final class WireGuardInterface {
  /** Starts actors: an ActorTestKit's spawn in tests, a parent's context in a node. */
  @FunctionalInterface
  public interface Spawner {
    <T> ActorRef<T> spawn(Behavior<T> behavior, String name);
  }

  private record Registered(Peer peer, ActorRef<PeerSession.Command> session) {}

  private final SessionContext context;
  private final Demux demux;
  private final MonotonicClock clock;
  private final Spawner spawner;
  private final ActorRef<HandshakeWorker.Command> worker;
  private final AtomicInteger handshakeBacklog = new AtomicInteger();
  private final Map<NodePublicKey, Registered> peers = new ConcurrentHashMap<>();
  private final DropCounters drops = new DropCounters();
  private final AtomicInteger sessionsStarted = new AtomicInteger();
  private final String name;

  /**
   * @param replyToSource sends a datagram (a cookie reply) back to where a message came from
   */
  public WireGuardInterface(NodePrivateKey key, SecureRandom random, InstantSource wallClock, MonotonicClock clock,
      SourceAddress<Object> addresses, BiConsumer<Object, byte[]> replyToSource, Spawner spawner, String name) {
    IndexTable<Peer> indices = new IndexTable<>(random);
    this.context = new SessionContext(key, indices, random, wallClock);
    this.demux = new Demux(indices);
    this.clock = clock;
    this.spawner = spawner;
    this.name = name;
    HandshakeIntake<Object> intake = new HandshakeIntake<>(new CookieChecker(key.publicKey(), random), addresses,
        new LoadMonitor());
    InitiationOpener opener = new InitiationOpener(key, k -> {
      Registered r = peers.get(k);
      return r == null ? null : r.peer();
    }, random);
    HandshakeWorker.Outlet outlet = new HandshakeWorker.Outlet() {
      @Override
      public void replyTo(Object source, byte[] datagram) {
        replyToSource.accept(source, datagram);
      }

      @Override
      public void toSession(NodePublicKey peer, PeerSession.Command command) {
        Registered r = peers.get(peer);
        if (r == null) {
          drops.count(DropReason.UNKNOWN_PEER);
          if (command instanceof PeerSession.Initiation i) {
            i.initiation().discard();
          }
          return;
        }
        r.session().tell(command);
      }
    };
    this.worker = spawner.spawn(HandshakeWorker.create(intake, opener, handshakeBacklog, outlet, drops, clock),
        name + "-handshakes");
  }

  public NodePublicKey publicKey() {
    return context.localKey().publicKey();
  }

  /**
   * Adds a peer and starts its session; its handshakes are accepted from now on.
   *
   * @throws com.oversoc.mesh.protocol.key.KeyFormatException if its key is a low-order point
   * @throws IllegalArgumentException if it is this interface's own key or already a peer
   */
  public ActorRef<PeerSession.Command> addPeer(PeerConfig config, SessionWiring wiring) {
    if (config.publicKey().equals(publicKey())) {
      throw new IllegalArgumentException("an interface cannot be its own peer");
    }
    Peer peer = new Peer(config, context);
    synchronized (peers) {
      if (peers.containsKey(config.publicKey())) {
        throw new IllegalArgumentException("peer " + config.publicKey().shortString() + " is already configured");
      }
      // A bug in what a session is wired to must not end the peer's session: the message that
      // hit it is lost, the session's state and timers go on.
      ActorRef<PeerSession.Command> session = spawner.spawn(
          Behaviors.supervise(PeerSession.create(peer, wiring, clock)).onFailure(SupervisorStrategy.resume()),
          name + "-peer-" + sessionsStarted.incrementAndGet());
      peers.put(config.publicKey(), new Registered(peer, session));
      return session;
    }
  }

  /** Removes a peer at once: its handshakes are refused from now on, and its session zeroes its keys and stops. */
  public CompletionStage<Done> removePeer(NodePublicKey key, ActorSystem<?> system, Duration timeout) {
    Registered r;
    synchronized (peers) {
      r = peers.remove(key);
    }
    if (r == null) {
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    }
    return AskPattern.ask(r.session(), PeerSession.Remove::new, timeout, system.scheduler());
  }

  public Optional<ActorRef<PeerSession.Command>> session(NodePublicKey key) {
    Registered r = peers.get(key);
    return r == null ? Optional.empty() : Optional.of(r.session());
  }

  /** Drops counted before a session saw the datagram (sessions report theirs through their wiring). */
  public DropCounters drops() {
    return drops;
  }

  /**
   * Routes one datagram that arrived from {@code source}. The interface owns the array from now
   * on (transport data is decrypted in it without a copy).
   */
  public void receive(byte[] datagram, Object source) {
    switch (demux.route(datagram, datagram.length)) {
      case Demux.Drop d -> drops.count(d.drop().reason());
      case Demux.ToIntake i -> toWorker(new HandshakeWorker.Incoming(i.message(), null, source));
      case Demux.ResponseTo r -> toWorker(new HandshakeWorker.Incoming(r.response(), r.peer(), source));
      case Demux.CookieTo c -> toSession(c.peer(), new PeerSession.Cookie(c.reply()));
      case Demux.TransportTo t -> toSession(t.peer(), new PeerSession.Transport(t.keypair(), datagram, source));
    }
  }

  private void toWorker(HandshakeWorker.Incoming m) {
    handshakeBacklog.incrementAndGet();
    worker.tell(m);
  }

  private void toSession(Peer peer, PeerSession.Command command) {
    Registered r = peers.get(peer.publicKey());
    if (r == null || r.peer() != peer) {
      drops.count(DropReason.UNKNOWN_INDEX);
      return;
    }
    r.session().tell(command);
  }
}
