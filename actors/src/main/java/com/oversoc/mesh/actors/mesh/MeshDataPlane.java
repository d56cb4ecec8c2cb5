package com.oversoc.mesh.actors.mesh;

import com.oversoc.mesh.actors.path.DatagramPort;
import com.oversoc.mesh.actors.path.PathAddress;
import com.oversoc.mesh.actors.transport.IncomingStream;
import com.oversoc.mesh.actors.wireguard.WireGuardInterface;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import com.oversoc.mesh.protocol.wireguard.SourceAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mesh node's data plane: its WireGuard interface, its datagram ports (the UDP socket, the
 * relays) and one {@link PeerLink} per peer in the current map. The control plane drives it
 * with {@link #apply}: peers that appear get a session, peers that change get new candidate
 * paths, peers that leave are dropped at once with all their streams. A platform opens streams
 * with {@link #openStream}; a gateway is handed the streams its platforms open.
 *
 * <p>Thread-safe.
 */
public final class MeshDataPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MeshDataPlane.class);

  /** Which end of streams this node is: a platform opens them and starts handshakes, a gateway does neither. */
  public enum Side { PLATFORM, GATEWAY }

  /**
   * A peer as the map describes it.
   *
   * @param nodeId what names the peer across its key rotations
   * @param previousKey during the peer's key rotation, its old key and until when sessions under
   *     it may go on
   * @param direct the peer's IP endpoints, candidates for a direct path
   * @param relay the peer through its home relay, if it has one
   */
  public record PeerInfo(long nodeId, NodePublicKey key, Optional<PreviousKey> previousKey, String name,
      List<PathAddress> direct, Optional<PathAddress> relay) {
    public PeerInfo {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(previousKey, "previousKey");
      Objects.requireNonNull(name, "name");
      direct = List.copyOf(direct);
      Objects.requireNonNull(relay, "relay");
    }

    public PeerInfo(long nodeId, NodePublicKey key, String name, List<PathAddress> direct, Optional<PathAddress> relay) {
      this(nodeId, key, Optional.empty(), name, direct, relay);
    }
  }

  /** A peer's key before its last rotation, still good for the sessions under it until {@code validUntil}. */
  public record PreviousKey(NodePublicKey key, Instant validUntil) {
    public PreviousKey {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(validUntil, "validUntil");
    }
  }

  /** The peer named in a stream request is not in this node's map. */
  public static final class UnknownPeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownPeerException(String peer) {
      super("no peer '" + peer + "' in this node's map (name or node key of a gateway this platform may reach)", null,
          false, false);
    }
  }

  private final ActorSystem<?> system;
  private final Side side;
  private final MonotonicClock clock;
  private final InstantSource wallClock;
  private final SecureRandom random;
  private final TransportConfig transportConfig;
  private final Consumer<IncomingStream> incoming;
  private final List<DatagramPort> ports;
  private final WireGuardInterface wireguard;
  /** By node id: a peer's key changes when it rotates, the peer does not. */
  private final Map<Long, PeerLink> peers = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong initiationsOfRemovedPeers = new java.util.concurrent.atomic.AtomicLong();
  private Cancellable retireTimer;

  /**
   * @param ports the node's datagram ports (each refuses the address kinds it cannot reach)
   * @param incoming gateway: each stream a platform opens (a platform passes a handler that rejects)
   */
  public MeshDataPlane(ActorSystem<?> system, Side side, NodePrivateKey key, List<DatagramPort> ports,
      TransportConfig transportConfig, Consumer<IncomingStream> incoming, MonotonicClock clock, InstantSource wallClock,
      SecureRandom random, String name) {
    this.system = system;
    this.side = side;
    this.clock = clock;
    this.wallClock = wallClock;
    this.random = random;
    this.transportConfig = transportConfig;
    this.incoming = incoming;
    this.ports = List.copyOf(ports);
    this.wireguard = new WireGuardInterface(key, random, wallClock, clock, SOURCES, this::send,
        new WireGuardInterface.Spawner() {
          @Override
          public <T> org.apache.pekko.actor.typed.ActorRef<T> spawn(org.apache.pekko.actor.typed.Behavior<T> behavior,
              String actorName) {
            return system.systemActorOf(behavior, actorName, org.apache.pekko.actor.typed.Props.empty());
          }
        }, name);
    for (DatagramPort port : this.ports) {
      port.setReceiver((from, datagram) -> wireguard.receive(datagram, from));
    }
  }

  public NodePublicKey publicKey() {
    return wireguard.publicKey();
  }

  public Side side() {
    return side;
  }

  /**
   * Makes the peers exactly {@code wanted}: new ones are added, changed ones updated (a peer that
   * rotated its key gets a session under the new key, the old one goes on while the rotation's
   * overlap lasts), and every peer not listed is removed at once (its handshakes refused, its
   * streams cut).
   */
  public synchronized void apply(Collection<PeerInfo> wanted) {
    Set<Long> keep = new java.util.HashSet<>();
    for (PeerInfo info : wanted) {
      if (wireguard.localKeys().contains(info.key())) {
        LOG.warn("peer {} ({}) skipped: it has this node's own key", info.name(), info.key().shortString());
        continue;
      }
      keep.add(info.nodeId());
      PeerLink existing = peers.get(info.nodeId());
      if (existing != null) {
        if (!existing.key().equals(info.key())) {
          // Sessions under the old key go on only while the map says that key is still valid.
          long retireAt = info.previousKey().filter(p -> p.key().equals(existing.key()))
              .map(p -> monotonicAt(p.validUntil())).orElse(clock.nanos());
          existing.rekey(info.key(), retireAt);
        }
        existing.update(info);
        continue;
      }
      PeerLink link = new PeerLink(system, side, wireguard, info, clock, random, transportConfig, incoming, this::send);
      link.start(info.key());
      peers.put(info.nodeId(), link);
      LOG.info("peer {} ({}) added: direct {}, relay {}", info.name(), info.key().shortString(), info.direct(),
          info.relay().map(Object::toString).orElse("none"));
    }
    for (Long id : new ArrayList<>(peers.keySet())) {
      if (!keep.contains(id)) {
        remove(id, "the peer left this node's map");
      }
    }
  }

  /**
   * This node's key rotated: new sessions run under {@code next}, and every peer gets one (the
   * platform starts its handshake at once); sessions under the old key go on, and initiations
   * addressed to it are answered, until {@code previousValidUntil}, when peers have long learned
   * the new key.
   */
  public synchronized void rotateLocalKey(NodePrivateKey next, Instant previousValidUntil) {
    NodePublicKey old = wireguard.publicKey();
    wireguard.rotateLocalKey(next, system, Duration.ofSeconds(5));
    long retireAt = monotonicAt(previousValidUntil);
    for (PeerLink link : peers.values()) {
      link.rekey(link.key(), retireAt);
    }
    if (retireTimer != null) {
      retireTimer.cancel();
    }
    retireTimer = system.classicSystem().scheduler().scheduleOnce(Duration.ofNanos(Math.max(0, retireAt - clock.nanos())),
        () -> {
          if (!old.equals(wireguard.publicKey())) {
            wireguard.retireLocalKey(old, system, Duration.ofSeconds(5));
            LOG.info("node key {} retired: its overlap ended", old.shortString());
          }
        }, system.executionContext());
    LOG.info("node key rotated: {} -> {}; the old one is answered until {}", old.shortString(),
        next.publicKey().shortString(), previousValidUntil);
  }

  /** A wall-clock time as this plane's monotonic time (past times give now). */
  private long monotonicAt(Instant wall) {
    long now = clock.nanos();
    Duration left = Duration.between(wallClock.instant(), wall);
    return left.isNegative() ? now : now + left.toNanos();
  }

  private void remove(long nodeId, String reason) {
    PeerLink link = peers.remove(nodeId);
    if (link == null) {
      return;
    }
    link.close(reason);
    initiationsOfRemovedPeers.addAndGet(link.handshakesInitiated());
    LOG.info("peer {} ({}) removed: {}", link.name(), link.key().shortString(), reason);
  }

  /** The peer whose current key is {@code key}. */
  public Optional<PeerLink> peer(NodePublicKey key) {
    return peers.values().stream().filter(l -> l.key().equals(key)).findFirst();
  }

  /** The peer with this name or base64 node key. */
  public Optional<PeerLink> peer(String nameOrKey) {
    for (PeerLink link : peers.values()) {
      if (link.name().equals(nameOrKey) || link.key().toBase64().equals(nameOrKey)) {
        return Optional.of(link);
      }
    }
    return Optional.empty();
  }

  public Collection<PeerLink> peers() {
    return List.copyOf(peers.values());
  }

  /**
   * Platform: a flow that opens a stream through {@code gateway} (its name or node key) to
   * {@code target}:{@code port} when materialized. It fails with {@link UnknownPeerException} if
   * the gateway is not in the map, or with the gateway's typed refusal.
   */
  public Flow<ByteString, ByteString, CompletionStage<StreamOpenResult>> openStream(String gateway, IpLiteral target,
      int port) {
    if (side != Side.PLATFORM) {
      throw new IllegalStateException("a gateway never opens streams");
    }
    // Resolved when the flow is materialized, not on its first element: some protocols
    // (SSH, SMTP) wait for the server to speak first.
    return Flow.<ByteString, ByteString, CompletionStage<StreamOpenResult>>fromMaterializer((mat, attributes) -> {
      Optional<PeerLink> link = peer(gateway);
      if (link.isEmpty()) {
        UnknownPeerException unknown = new UnknownPeerException(gateway);
        return Flow.<ByteString, ByteString>fromSinkAndSource(org.apache.pekko.stream.javadsl.Sink.cancelled(),
                org.apache.pekko.stream.javadsl.Source.failed(unknown))
            .mapMaterializedValue(n -> java.util.concurrent.CompletableFuture.failedFuture(unknown));
      }
      return link.get().openStream(target, port);
    }).mapMaterializedValue(f -> f.thenCompose(x -> x));
  }

  /** Handshake initiations sent since the plane started, to current peers and to those that left. */
  public long handshakesInitiated() {
    return initiationsOfRemovedPeers.get() + peers.values().stream().mapToLong(PeerLink::handshakesInitiated).sum();
  }

  /** The WireGuard interface (drop counters, sessions). */
  public WireGuardInterface wireguard() {
    return wireguard;
  }

  private boolean send(Object to, byte[] datagram) {
    if (!(to instanceof PathAddress address)) {
      return false;
    }
    for (DatagramPort port : ports) {
      if (port.send(address, datagram)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void close() {
    if (retireTimer != null) {
      retireTimer.cancel();
    }
    for (Long id : new ArrayList<>(peers.keySet())) {
      remove(id, "the node is stopping");
    }
    ports.forEach(DatagramPort::close);
  }

  /** How the handshake's denial-of-service protection sees each kind of path address. */
  static final SourceAddress<Object> SOURCES = new SourceAddress<>() {
    @Override
    public byte[] cookieBytes(Object address) {
      return switch (address) {
        case PathAddress.Direct d -> {
          byte[] ip = d.endpoint().getAddress().getAddress();
          byte[] b = java.util.Arrays.copyOf(ip, ip.length + 2);
          b[ip.length] = (byte) (d.endpoint().getPort() >>> 8);
          b[ip.length + 1] = (byte) d.endpoint().getPort();
          yield b;
        }
        case PathAddress.Relayed r -> {
          byte[] b = new byte[36];
          r.peer().copyTo(b, 4);
          b[0] = (byte) (r.region() >>> 24);
          b[1] = (byte) (r.region() >>> 16);
          b[2] = (byte) (r.region() >>> 8);
          b[3] = (byte) r.region();
          yield b;
        }
        default -> address.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      };
    }

    @Override
    public Object rateLimitKey(Object address) {
      return switch (address) {
        case PathAddress.Direct d -> d.endpoint().getAddress();
        case PathAddress.Memory m -> m.host();
        default -> address;
      };
    }
  };
}
