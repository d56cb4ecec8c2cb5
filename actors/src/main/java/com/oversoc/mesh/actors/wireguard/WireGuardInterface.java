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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 *     initiation, response -> HandshakeWorker (mac1 picks the local key; load: mac2 or cookie,
 *                             rate; open: DH) -> the PeerSession under that key with that peer
 *     cookie reply, transport -> PeerSession named by the receiver index
 *  PeerSession -> SessionWiring.transmit (the peer's path) / deliver (the layer above)
 * </pre>
 *
 * <p>The interface's static key can be rotated ({@link #rotateLocalKey}): new sessions run under
 * the new key, and until the old one is retired ({@link #retireLocalKey}) the sessions under it
 * go on and initiations addressed to it are still answered, so that peers that have not yet
 * learned the new key lose nothing. A session is therefore named by the pair (local key, peer
 * key), and one peer can have a session under each key at once.
 *
 * <p>Thread-safe: paths call {@link #receive} from their own threads; peers are added and removed
 * and keys rotated from any thread.
 */
public final class WireGuardInterface {
  /** Starts actors: an ActorTestKit's spawn in tests, a parent's context in a node. */
  @FunctionalInterface
  public interface Spawner {
    <T> ActorRef<T> spawn(Behavior<T> behavior, String name);
  }

  /** A session's name: the local key it runs under and the peer's key. */
  private record SessionKey(NodePublicKey local, NodePublicKey remote) {}

  private record Registered(Peer peer, ActorRef<PeerSession.Command> session) {}

  /** One static key of this interface and what answers handshakes addressed to it. */
  private record Identity(NodePrivateKey key, SessionContext context, HandshakeWorker.Gate gate) {}

  private final IndexTable<Peer> indices;
  private final SecureRandom random;
  private final InstantSource wallClock;
  private final SourceAddress<Object> addresses;
  private final LoadMonitor load = new LoadMonitor();
  private final Demux demux;
  private final MonotonicClock clock;
  private final Spawner spawner;
  private final ActorRef<HandshakeWorker.Command> worker;
  private final AtomicInteger handshakeBacklog = new AtomicInteger();
  /** The current key first, then the one being retired, if any. */
  private volatile List<Identity> identities;
  private final Map<SessionKey, Registered> sessions = new ConcurrentHashMap<>();
  private final DropCounters drops = new DropCounters();
  private final AtomicInteger sessionsStarted = new AtomicInteger();
  private final String name;

  /**
   * @param replyToSource sends a datagram (a cookie reply) back to where a message came from
   */
  public WireGuardInterface(NodePrivateKey key, SecureRandom random, InstantSource wallClock, MonotonicClock clock,
      SourceAddress<Object> addresses, BiConsumer<Object, byte[]> replyToSource, Spawner spawner, String name) {
    this.indices = new IndexTable<>(random);
    this.random = random;
    this.wallClock = wallClock;
    this.addresses = addresses;
    this.demux = new Demux(indices);
    this.clock = clock;
    this.spawner = spawner;
    this.name = name;
    this.identities = List.of(identity(key));
    HandshakeWorker.Outlet outlet = new HandshakeWorker.Outlet() {
      @Override
      public void replyTo(Object source, byte[] datagram) {
        replyToSource.accept(source, datagram);
      }

      @Override
      public void toSession(NodePublicKey local, NodePublicKey remote, PeerSession.Command command) {
        Registered r = sessions.get(new SessionKey(local, remote));
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
    this.worker = spawner.spawn(HandshakeWorker.create(
        () -> identities.stream().map(Identity::gate).toList(), handshakeBacklog, outlet, drops, clock),
        name + "-handshakes");
  }

  private Identity identity(NodePrivateKey key) {
    NodePublicKey local = key.publicKey();
    HandshakeIntake<Object> intake = new HandshakeIntake<>(new CookieChecker(local, random), addresses, load);
    InitiationOpener opener = new InitiationOpener(key, k -> {
      Registered r = sessions.get(new SessionKey(local, k));
      return r == null ? null : r.peer();
    }, random);
    return new Identity(key, new SessionContext(key, indices, random, wallClock), new HandshakeWorker.Gate(intake, opener));
  }

  /** The current static key: new sessions run under it. */
  public NodePublicKey publicKey() {
    return identities.get(0).key().publicKey();
  }

  /** Every static key handshakes are answered for: the current one first, then the one being retired. */
  public List<NodePublicKey> localKeys() {
    return identities.stream().map(i -> i.key().publicKey()).toList();
  }

  /**
   * Makes {@code next} the interface's static key. Sessions under the old key go on, and
   * initiations addressed to it are answered, until {@link #retireLocalKey}; a key being retired
   * from an earlier rotation is retired now (its sessions removed).
   *
   * @throws IllegalArgumentException if {@code next} is already one of the interface's keys
   */
  public synchronized void rotateLocalKey(NodePrivateKey next, ActorSystem<?> system, Duration timeout) {
    List<Identity> now = identities;
    for (Identity i : now) {
      if (i.key().publicKey().equals(next.publicKey())) {
        throw new IllegalArgumentException("key " + next.publicKey().shortString() + " is already this interface's");
      }
    }
    if (now.size() > 1) {
      retireLocalKey(now.get(1).key().publicKey(), system, timeout);
    }
    identities = List.of(identity(next), identities.get(0));
  }

  /**
   * Stops answering for an old key: its sessions are removed (keys zeroed) and initiations
   * addressed to it are dropped. The current key cannot be retired; an unknown one is ignored.
   */
  public synchronized void retireLocalKey(NodePublicKey old, ActorSystem<?> system, Duration timeout) {
    if (old.equals(publicKey())) {
      throw new IllegalArgumentException("the current key cannot be retired");
    }
    identities = identities.stream().filter(i -> !i.key().publicKey().equals(old)).toList();
    for (SessionKey k : List.copyOf(sessions.keySet())) {
      if (k.local().equals(old)) {
        remove(k, system, timeout);
      }
    }
  }

  /**
   * Adds a peer under the current key and starts its session; its handshakes are accepted from
   * now on. A peer may have one session under each of the interface's keys.
   *
   * @throws com.oversoc.mesh.protocol.key.KeyFormatException if its key is a low-order point
   * @throws IllegalArgumentException if it is one of this interface's own keys, or already has a
   *     session under the current key
   */
  public ActorRef<PeerSession.Command> addPeer(PeerConfig config, SessionWiring wiring) {
    synchronized (this) {
      if (localKeys().contains(config.publicKey())) {
        throw new IllegalArgumentException("an interface cannot be its own peer");
      }
      Identity current = identities.get(0);
      SessionKey k = new SessionKey(current.key().publicKey(), config.publicKey());
      if (sessions.containsKey(k)) {
        throw new IllegalArgumentException("peer " + config.publicKey().shortString() + " is already configured");
      }
      Peer peer = new Peer(config, current.context());
      // A bug in what a session is wired to must not end the peer's session: the message that
      // hit it is lost, the session's state and timers go on.
      ActorRef<PeerSession.Command> session = spawner.spawn(
          Behaviors.supervise(PeerSession.create(peer, wiring, clock)).onFailure(SupervisorStrategy.resume()),
          name + "-peer-" + sessionsStarted.incrementAndGet());
      sessions.put(k, new Registered(peer, session));
      return session;
    }
  }

  /**
   * Removes every session with a peer at once: its handshakes are refused from now on, and its
   * sessions zero their keys and stop.
   */
  public CompletionStage<Done> removePeer(NodePublicKey key, ActorSystem<?> system, Duration timeout) {
    List<CompletableFuture<Done>> stopped = new ArrayList<>();
    synchronized (this) {
      for (SessionKey k : List.copyOf(sessions.keySet())) {
        if (k.remote().equals(key)) {
          stopped.add(remove(k, system, timeout).toCompletableFuture());
        }
      }
    }
    return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
  }

  /** Removes one session (a peer's session under a retired key of either side); the others go on. */
  public CompletionStage<Done> removeSession(ActorRef<PeerSession.Command> session, ActorSystem<?> system,
      Duration timeout) {
    synchronized (this) {
      for (Map.Entry<SessionKey, Registered> e : sessions.entrySet()) {
        if (e.getValue().session().equals(session)) {
          return remove(e.getKey(), system, timeout);
        }
      }
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private CompletionStage<Done> remove(SessionKey k, ActorSystem<?> system, Duration timeout) {
    Registered r = sessions.remove(k);
    if (r == null) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return AskPattern.ask(r.session(), PeerSession.Remove::new, timeout, system.scheduler());
  }

  /** The peer's session under the current key. */
  public Optional<ActorRef<PeerSession.Command>> session(NodePublicKey key) {
    Registered r = sessions.get(new SessionKey(publicKey(), key));
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
    Registered r = sessions.get(new SessionKey(peer.localKey(), peer.publicKey()));
    if (r == null || r.peer() != peer) {
      drops.count(DropReason.UNKNOWN_INDEX);
      return;
    }
    r.session().tell(command);
  }
}
