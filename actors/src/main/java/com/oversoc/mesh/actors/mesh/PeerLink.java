package com.oversoc.mesh.actors.mesh;

import com.oversoc.mesh.actors.path.PathAddress;
import com.oversoc.mesh.actors.transport.DatagramLink;
import com.oversoc.mesh.actors.transport.IncomingStream;
import com.oversoc.mesh.actors.transport.TransportConnection;
import com.oversoc.mesh.actors.wireguard.PeerSession;
import com.oversoc.mesh.actors.wireguard.SessionWiring;
import com.oversoc.mesh.actors.wireguard.WireGuardInterface;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.path.ObservedAddress;
import com.oversoc.mesh.protocol.path.PathProbe;
import com.oversoc.mesh.protocol.path.PathProbeException;
import com.oversoc.mesh.protocol.path.PathSelector;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.ConnectionError;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.frame.FrameException;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import com.oversoc.mesh.protocol.wireguard.MessageType;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerConfig;
import com.oversoc.mesh.protocol.wireguard.PeerEvent;
import com.oversoc.mesh.protocol.wireguard.WireGuardSpec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a node has with one peer: its WireGuard session, the choice of path under it, and
 * the mesh transport connection on top. The send pipeline:
 *
 * <pre>
 *  stream bytes -> TransportConnection -> DatagramLink -> PeerSession (seal)
 *      -> SessionWiring.transmit: the path the message answers, else (initiation) every
 *         handshake path, else the selector's current path -> the datagram port for it
 * </pre>
 *
 * and the receive one:
 *
 * <pre>
 *  port -> WireGuardInterface -> PeerSession (open) -> SessionWiring.deliver:
 *      a path probe -> the selector (a ping is answered at once, on the path it came by)
 *      a transport packet -> the TransportConnection (a gateway makes it on the first packet)
 * </pre>
 *
 * The selector is pure and not thread-safe: every use holds its monitor. It is touched by the
 * sessions' threads (transmit, deliver, authenticated) and by the probe timer.
 *
 * <p>A node key rotation, of this node's key or of the peer's, starts a new WireGuard session
 * under the new pair of keys while the old one carries the traffic: the platform starts the new
 * session's handshake at once, packets move to it as soon as it is established, and the old one
 * is removed shortly after, or when the rotation's overlap ends. The transport connection above
 * is the same throughout, so streams see at most a few retransmissions.
 *
 * <pre>
 *   current (new keys) ──ESTABLISHED──► carries the packets; legacy removed after LEGACY_GRACE
 *   legacy  (old keys) ──────────────► carries the packets until then; removed at the overlap's end anyway
 * </pre>
 */
public final class PeerLink {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
  /** Connection ids of a gateway's replaced transports, kept so their late packets cannot bring them back. */
  private static final int RETIRED_IDS = 8;

  /** Sends a datagram on a path; false if no port reaches it. */
  @FunctionalInterface
  interface Transmitter {
    boolean send(PathAddress to, byte[] datagram);
  }

  /**
   * How long the old session of a rotation outlives the new one's establishment: packets the peer
   * sent under the old keys before it switched are still in flight for a round trip.
   */
  static final Duration LEGACY_GRACE = Duration.ofSeconds(5);
  /**
   * Platform: WireGuard starts a new handshake when what it sent got no answer for
   * KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (15 s). A gateway that restarted lost its side of the
   * session at once, so a platform that hears nothing back for REKEY_TIMEOUT while it sends starts
   * one itself (at most that often), and the transport probes at once on the new session.
   */
  static final Duration UNANSWERED_REKEY = WireGuardSpec.REKEY_TIMEOUT;
  private static final long NEVER = Long.MIN_VALUE;
  /** How long removing a session may take (its actor zeroes its keys and stops). */
  private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final MeshDataPlane.Side side;
  private final long nodeId;
  private final WireGuardInterface wireguard;
  private final MonotonicClock clock;
  private final RandomGenerator random;
  private final TransportConfig transportConfig;
  private final Consumer<IncomingStream> incoming;
  private final Transmitter ports;
  private final PathSelector<PathAddress> selector;
  private volatile String name;
  /** The session under the newest keys of both sides; never null once started. */
  private volatile Session current;
  /** The session under older keys while a rotation's overlap lasts, else null. */
  private volatile Session legacy;
  private Cancellable legacyTimer;
  private volatile TransportConnection transport;
  private volatile Consumer<byte[]> transportReceiver = p -> {};
  private int connectionId;
  private final ArrayDeque<Integer> retired = new ArrayDeque<>();
  /** Lost connections the platform was told of (logged once each; the set is bounded by RETIRED_IDS). */
  private final java.util.Set<Integer> lostConnectionsTold = java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, Boolean> eldest) {
          return size() > RETIRED_IDS;
        }
      });
  private Cancellable probeTimer;
  private long probeAt = Long.MAX_VALUE;
  private volatile boolean closed;
  /** How often the data path lets the selector act (it also runs at its own deadlines). */
  private static final long POLL_GAP_NANOS = 100_000_000L;
  private volatile long lastPoll;
  private volatile PathAddress lastPath;
  /** When this node first sent something the peer has not answered yet (anything authenticated counts), or NEVER. */
  private volatile long unansweredSince = NEVER;
  private volatile long lastForcedRekey = NEVER;
  private final java.util.concurrent.atomic.AtomicLong initiations = new java.util.concurrent.atomic.AtomicLong();

  PeerLink(ActorSystem<?> system, MeshDataPlane.Side side, WireGuardInterface wireguard, MeshDataPlane.PeerInfo info,
      MonotonicClock clock, RandomGenerator random, TransportConfig transportConfig, Consumer<IncomingStream> incoming,
      Transmitter ports) {
    this.system = system;
    this.side = side;
    this.wireguard = wireguard;
    this.nodeId = info.nodeId();
    this.name = info.name();
    this.clock = clock;
    this.random = random;
    this.transportConfig = transportConfig;
    this.incoming = incoming;
    this.ports = ports;
    this.selector = new PathSelector<>(a -> a instanceof PathAddress.Relayed, random);
    synchronized (selector) {
      selector.setCandidates(info.direct(), info.relay(), clock.nanos());
    }
  }

  /** Starts the session with the peer's key (adds the peer to the interface under its current key). */
  void start(NodePublicKey peerKey) {
    current = newSession(peerKey);
  }

  private Session newSession(NodePublicKey peerKey) {
    PeerConfig config = side == MeshDataPlane.Side.GATEWAY ? PeerConfig.of(peerKey).respondOnly() : PeerConfig.of(peerKey);
    Session s = new Session(wireguard.publicKey(), peerKey);
    s.actor = wireguard.addPeer(config, s);
    return s;
  }

  /**
   * A rotation: this node's key changed (the interface already has the new one), or the peer's
   * did ({@code peerKey} is new). A session under the new keys takes over from the current one,
   * which carries the traffic until then and is removed at {@code retireAtNanos} at the latest
   * (monotonic; now or earlier removes it at once, for a peer whose old key is no longer valid).
   */
  synchronized void rekey(NodePublicKey peerKey, long retireAtNanos) {
    if (closed) {
      return;
    }
    if (legacy != null) {
      removeLegacy("a newer rotation replaced it");
    }
    Session old = current;
    current = newSession(peerKey);
    LOG.info("peer {}: new WireGuard session {} -> {} taking over from {} -> {}", name,
        current.local.shortString(), current.remote.shortString(), old.local.shortString(), old.remote.shortString());
    if (old.state == Peer.State.IDLE) {
      removeSession(old);
    } else {
      legacy = old;
      scheduleLegacyRemoval(Math.max(0, retireAtNanos - clock.nanos()), "its keys' overlap ended");
    }
    if (side == MeshDataPlane.Side.PLATFORM && (legacy != null || transport != null)) {
      current.actor.tell(new PeerSession.Rekey(system.ignoreRef()));
    }
  }

  private synchronized void scheduleLegacyRemoval(long delayNanos, String why) {
    if (legacyTimer != null) {
      legacyTimer.cancel();
    }
    Session target = legacy;
    legacyTimer = system.classicSystem().scheduler().scheduleOnce(Duration.ofNanos(delayNanos), () -> {
      synchronized (this) {
        if (legacy == target && target != null) {
          removeLegacy(why);
        }
      }
    }, system.executionContext());
  }

  private synchronized void removeLegacy(String why) {
    Session l = legacy;
    legacy = null;
    if (legacyTimer != null) {
      legacyTimer.cancel();
      legacyTimer = null;
    }
    if (l != null) {
      LOG.info("peer {}: WireGuard session {} -> {} removed: {}", name, l.local.shortString(), l.remote.shortString(),
          why);
      removeSession(l);
    }
  }

  private void removeSession(Session s) {
    wireguard.removeSession(s.actor, system, REMOVE_TIMEOUT);
  }

  /** The session packets go out on: the current one, unless only the legacy one is established. */
  private Session sending() {
    Session c = current;
    Session l = legacy;
    return l != null && c.state != Peer.State.ESTABLISHED && l.state == Peer.State.ESTABLISHED ? l : c;
  }

  /**
   * A platform's transport connection, made on the first stream and again after it closed (the
   * transport closes itself after 30 s with no stream open, and a restarted gateway refuses the
   * old connection): a platform with thousands of gateways holds connections only to those it
   * talks to. Streams in flight on a closed connection fail; the next opens a new one.
   */
  private synchronized TransportConnection platformTransport() {
    if (closed) {
      throw new IllegalStateException("peer " + name + " left the map");
    }
    if (transport != null) {
      return transport;
    }
    Connection c = Connection.platform(transportConfig, random, clock.nanos());
    connectionId = c.connectionId();
    TransportConnection t = TransportConnection.spawn(system, actorName(c.connectionId()), c, new Link(), clock,
        s -> s.reject(StreamOpenResult.WRONG_DIRECTION));
    transport = t;
    t.closed().thenAccept(why -> {
      LOG.debug("peer {}: transport connection {} closed: {}", name, Integer.toHexString(c.connectionId()),
          why.getMessage());
      synchronized (this) {
        if (transport == t) {
          transport = null;
        }
      }
      t.stop(ConnectionError.NO_ERROR, "closed");
    });
    return t;
  }

  /** The peer's node id in the coordinator's map: what names it across key rotations. */
  public long nodeId() {
    return nodeId;
  }

  /** The peer's current node key. */
  public NodePublicKey key() {
    return current.remote;
  }

  public String name() {
    return name;
  }

  /** The peer map changed this peer's name, endpoints or home relay. */
  void update(MeshDataPlane.PeerInfo info) {
    this.name = info.name();
    synchronized (selector) {
      selector.setCandidates(info.direct(), info.relay(), clock.nanos());
    }
    reschedule();
  }

  /** The path datagrams take now, if any. */
  public Optional<PathAddress> currentPath() {
    synchronized (selector) {
      return selector.current(clock.nanos());
    }
  }

  /** Handshake initiations this node sent to the peer (a gateway's is always 0). */
  public long handshakesInitiated() {
    return initiations.get();
  }

  /** The WireGuard session actor under the newest keys. */
  public ActorRef<PeerSession.Command> session() {
    return current.actor;
  }

  /** The keys (local, peer) of the sessions with this peer: the current one first, then one being retired. */
  public List<List<NodePublicKey>> sessionKeys() {
    Session c = current;
    Session l = legacy;
    return l == null ? List.of(List.of(c.local, c.remote)) : List.of(List.of(c.local, c.remote), List.of(l.local, l.remote));
  }

  /**
   * Platform: a flow that opens a stream to {@code target}:{@code port} on this gateway each time
   * it is materialized; it fails with the gateway's typed refusal.
   */
  public Flow<ByteString, ByteString, CompletionStage<StreamOpenResult>> openStream(IpLiteral target, int port) {
    if (side != MeshDataPlane.Side.PLATFORM) {
      throw new IllegalStateException("only a platform opens streams");
    }
    return platformTransport().openStream(target, port);
  }

  /**
   * The peer left the map: its transport closes (every stream fails), the probe timer stops, and
   * its sessions are removed (their handshakes refused from now on, their keys zeroed).
   */
  void close(String reason) {
    closed = true;
    synchronized (this) {
      if (probeTimer != null) {
        probeTimer.cancel();
      }
      if (legacy != null) {
        removeLegacy(reason);
      }
      removeSession(current);
    }
    TransportConnection t = transport;
    if (t != null) {
      t.stop(ConnectionError.NO_ERROR, reason);
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong TRANSPORTS = new java.util.concurrent.atomic.AtomicLong();

  /** Unique in the actor system: a peer's connections come and go. */
  private static String actorName(int connectionId) {
    return "transport-" + Integer.toHexString(connectionId) + "-" + TRANSPORTS.incrementAndGet();
  }

  // ---- the transport's datagrams ----

  private final class Link implements DatagramLink {
    @Override
    public void send(byte[] datagram) {
      synchronized (selector) {
        selector.onDataSent(clock.nanos());
      }
      sending().actor.tell(new PeerSession.Send(datagram));
      if (side == MeshDataPlane.Side.PLATFORM) {
        checkAnswered(clock.nanos());
      }
      pollSoon();
    }

    @Override
    public void setReceiver(Consumer<byte[]> receiver) {
      transportReceiver = receiver;
    }
  }

  /**
   * A transport packet from the peer; a gateway starts (or restarts) its connection on a new id,
   * or, for a packet from the middle of a connection it does not know (it restarted since),
   * tells the platform with a stateless close on the session the packet came by.
   */
  private void onTransportPacket(byte[] packet, Session via) {
    if (side == MeshDataPlane.Side.GATEWAY) {
      int id;
      boolean mayStart;
      try {
        id = Connection.peekConnectionId(ByteBuffer.wrap(packet));
        mayStart = Connection.mayStartConnection(ByteBuffer.wrap(packet));
      } catch (FrameException e) {
        LOG.debug("peer {}: undecodable transport packet: {}", name, e.getMessage());
        return;
      }
      synchronized (this) {
        if (closed || retired.contains(id)) {
          return;
        }
        if (transport == null || id != connectionId) {
          if (!mayStart) {
            if (lostConnectionsTold.add(id)) {
              LOG.info("peer {}: packets of transport connection {} this gateway does not know (it restarted since); "
                  + "telling the platform", name, Integer.toHexString(id));
            }
            via.actor.tell(new PeerSession.Send(Connection.statelessClose(id,
                "this gateway does not know the connection (it restarted)")));
            return;
          }
          if (transport != null) {
            transport.stop(ConnectionError.NO_ERROR, "the platform started a new connection");
            retired.addLast(connectionId);
            if (retired.size() > RETIRED_IDS) {
              retired.removeFirst();
            }
          }
          Connection c = Connection.gateway(transportConfig, id, random, clock.nanos());
          connectionId = id;
          TransportConnection t = TransportConnection.spawn(system, actorName(id), c, new Link(), clock, incoming);
          transport = t;
          // A closed connection (idle, or closed by the platform) is forgotten, not retired: if the
          // platform still sends on it, the stateless close answers, and the platform starts anew.
          t.closed().thenAccept(why -> {
            synchronized (this) {
              if (transport == t) {
                transport = null;
              }
            }
            t.stop(ConnectionError.NO_ERROR, "closed");
          });
        }
      }
    }
    transportReceiver.accept(packet);
  }

  /**
   * Platform: a new handshake when the peer has answered nothing for UNANSWERED_REKEY while this
   * node sends. Checked on each send and by one timer at a time (the sends may pause: a stream
   * open waiting for its answer only goes out again at the transport's backed-off probe times).
   */
  private void checkAnswered(long now) {
    long since = unansweredSince;
    if (since == NEVER) {
      unansweredSince = now;
      armAnswerCheck(now + UNANSWERED_REKEY.toNanos());
      return;
    }
    long gap = UNANSWERED_REKEY.toNanos();
    long forced = lastForcedRekey;
    if (now - since >= gap && (forced == NEVER || now - forced >= gap)) {
      lastForcedRekey = now;
      LOG.info("peer {}: nothing heard for {} ms while sending; starting a new handshake", name,
          Duration.ofNanos(now - since).toMillis());
      sending().actor.tell(new PeerSession.Rekey(system.ignoreRef()));
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean answerCheckArmed = new java.util.concurrent.atomic.AtomicBoolean();

  private void armAnswerCheck(long at) {
    if (closed || !answerCheckArmed.compareAndSet(false, true)) {
      return;
    }
    system.classicSystem().scheduler().scheduleOnce(Duration.ofNanos(Math.max(0, at - clock.nanos())), () -> {
      answerCheckArmed.set(false);
      long since = unansweredSince;
      if (since != NEVER && !closed) {
        long now = clock.nanos();
        checkAnswered(now);
        long forced = lastForcedRekey;
        armAnswerCheck(Math.max(since, forced == NEVER ? since : forced) + UNANSWERED_REKEY.toNanos());
      }
    }, system.executionContext());
  }

  // ---- probes ----

  private void onProbe(byte[] packet, PathAddress source, Session via) {
    PathProbe probe;
    try {
      probe = PathProbe.decode(packet);
    } catch (PathProbeException e) {
      LOG.debug("peer {}: bad path probe from {}: {}", name, source, e.getMessage());
      return;
    }
    switch (probe) {
      case PathProbe.Ping ping -> {
        // A ping through a relay has no address to report, and the selector never sends one there.
        if (source.isDirect()) {
          via.actor.tell(new PeerSession.SendVia(ping.pong(observed(source)).encode(), source));
        }
      }
      case PathProbe.Pong pong -> {
        synchronized (selector) {
          long now = clock.nanos();
          selector.onAuthenticated(source, now);
          selector.onPong(pong.txid(), source, now);
        }
        reschedule();
      }
    }
  }

  private static ObservedAddress observed(PathAddress source) {
    return switch (source) {
      case PathAddress.Direct d -> new ObservedAddress(d.endpoint().getAddress().getAddress(), d.endpoint().getPort());
      case PathAddress.Memory m -> new ObservedAddress(new byte[] {127, 0, 0, 1}, m.port());
      case PathAddress.Relayed r -> throw new IllegalArgumentException("a relayed ping is not answered");
    };
  }

  /** Sends the pings due now and arms the timer for the selector's next deadline. */
  private void runProbes() {
    if (closed) {
      return;
    }
    PathSelector.Actions<PathAddress> actions;
    Optional<PathAddress> path;
    synchronized (selector) {
      long now = clock.nanos();
      actions = selector.poll(now);
      path = selector.current(now);
    }
    reportPath(path);
    for (PathSelector.OutgoingProbe<PathAddress> probe : actions.probes()) {
      sending().actor.tell(new PeerSession.SendVia(probe.packet(), probe.to()));
    }
    schedule(actions.nextDeadline());
  }

  /** Logs each change of the path datagrams take: operators (and the namespace tests) follow it there. */
  private void reportPath(Optional<PathAddress> path) {
    PathAddress now = path.orElse(null);
    PathAddress before = lastPath;
    if (!java.util.Objects.equals(now, before)) {
      lastPath = now;
      LOG.info("peer {}: path {} (was {})", name, now == null ? "none" : now, before == null ? "none" : before);
    }
  }

  /** Traffic changes the selector's cadence; letting it act at most every POLL_GAP keeps the data path cheap. */
  private void pollSoon() {
    long now = clock.nanos();
    if (now - lastPoll >= POLL_GAP_NANOS) {
      lastPoll = now;
      runProbes();
    }
  }

  /** Something changed what the selector wants to send, or when: let it act now. */
  private void reschedule() {
    runProbes();
  }

  private synchronized void schedule(long deadline) {
    if (closed || deadline == PathSelector.NONE || (probeTimer != null && !probeTimer.isCancelled() && probeAt <= deadline)) {
      return;
    }
    if (probeTimer != null) {
      probeTimer.cancel();
    }
    probeAt = deadline;
    long delay = Math.max(0, deadline - clock.nanos());
    probeTimer = system.classicSystem().scheduler().scheduleOnce(Duration.ofNanos(delay), () -> {
      synchronized (this) {
        probeTimer = null;
        probeAt = Long.MAX_VALUE;
      }
      runProbes();
    }, system.executionContext());
  }

  // ---- what the sessions produce ----

  /** One WireGuard session with the peer, under one pair of keys, and what it produces. */
  private final class Session implements SessionWiring {
    final NodePublicKey local;
    final NodePublicKey remote;
    volatile ActorRef<PeerSession.Command> actor;
    volatile Peer.State state = Peer.State.IDLE;

    Session(NodePublicKey local, NodePublicKey remote) {
      this.local = local;
      this.remote = remote;
    }

    @Override
    public void transmit(byte[] datagram, Object via) {
      if (via instanceof PathAddress path) {
        ports.send(path, datagram);
        return;
      }
      List<PathAddress> targets;
      synchronized (selector) {
        // Read inside the monitor: the selector refuses a time older than one it has seen.
        long now = clock.nanos();
        targets = datagram[0] == MessageType.HANDSHAKE_INITIATION.wire()
            ? selector.handshakePaths(now)
            : selector.current(now).map(List::of).orElse(List.of());
      }
      for (PathAddress to : targets) {
        ports.send(to, datagram);
      }
    }

    @Override
    public void deliver(byte[] packet, Object source) {
      if (PathProbe.isProbe(packet)) {
        if (source instanceof PathAddress path) {
          onProbe(packet, path, this);
        }
        return;
      }
      onTransportPacket(packet, this);
    }

    @Override
    public void authenticated(Object source) {
      unansweredSince = NEVER;
      if (source instanceof PathAddress path) {
        synchronized (selector) {
          selector.onAuthenticated(path, clock.nanos());
        }
        pollSoon();
      }
    }

    @Override
    public void stateChanged(Peer.State from, Peer.State to) {
      boolean wasUp = anyEstablished();
      state = to;
      boolean up = anyEstablished();
      if (up != wasUp) {
        synchronized (selector) {
          selector.sessionUp(up, clock.nanos());
        }
        runProbes();
      }
      if (to == Peer.State.ESTABLISHED && this == current && legacy != null) {
        LOG.info("peer {}: WireGuard session {} -> {} established; the old one goes in {} s", name,
            local.shortString(), remote.shortString(), LEGACY_GRACE.toSeconds());
        scheduleLegacyRemoval(LEGACY_GRACE.toNanos(), "the new session took over");
      }
    }

    @Override
    public void event(PeerEvent event) {
      if (event instanceof PeerEvent.HandshakeInitiated) {
        initiations.incrementAndGet();
      }
      TransportConnection t = transport;
      if (event instanceof PeerEvent.SessionEstablished && t != null) {
        // What the old session swallowed (a restarted peer dropped it) is probed for now, not
        // after the probe timeout the silence backed off.
        t.channelRenewed();
      }
      LOG.debug("peer {}: {}", name, event);
    }
  }

  private boolean anyEstablished() {
    Session l = legacy;
    return current.state == Peer.State.ESTABLISHED || (l != null && l.state == Peer.State.ESTABLISHED);
  }

  @Override
  public String toString() {
    return "PeerLink[" + name + " " + current.remote.shortString() + "]";
  }
}
