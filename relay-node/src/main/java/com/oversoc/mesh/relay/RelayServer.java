package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.channel.Admission.Decision;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.channel.TlsContexts;
import com.oversoc.mesh.actors.relay.HandshakeRefusal;
import com.oversoc.mesh.actors.relay.RelayDialer;
import com.oversoc.mesh.actors.relay.RelayFraming;
import com.oversoc.mesh.actors.relay.SendQueue;
import com.oversoc.mesh.actors.relay.SendQueueSource;
import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.relay.admission.ActiveKeys;
import com.oversoc.mesh.relay.admission.Admission;
import com.oversoc.mesh.relay.mesh.MeshLinks;
import com.oversoc.mesh.relay.mesh.MeshPeer;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay server. Each accepted TCP connection runs this stack, bottom to top:
 *
 * <pre>
 *   TCP (accept rate limited) -> TLS (optional) -> SecureChannel (Noise IK: proves the key, refuses
 *                                                   keys that are not admitted, with their reason)
 *     -> connection(provenKey):  RelayFraming.decoder -> InboundFrames        (read side)
 *                                SendQueue -> SendQueueSource                (write side)
 *                                RelayStream actor                           (control)
 * </pre>
 *
 * {@link #connection} is the seam: everything above the channel is plaintext relay frames for a
 * key that has already been proved, so tests and the simulator connect to it in memory.
 */
public final class RelayServer {
  private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);
  /** Connections the kernel may hold for us while the accept rate limit makes them wait. */
  static final int ACCEPT_BACKLOG = 1024;
  /** How long a shutdown waits for clients to take their CLOSING frame before giving up on them. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  /** Connection numbers, unique in the process so that several relays can share one actor system. */
  private static final AtomicLong CONNECTION_IDS = new AtomicLong();

  private final ActorSystem<?> system;
  private final RelayServices services;
  private final MonotonicClock clock;
  private final SecureChannel.Settings channelSettings = SecureChannel.Settings.defaults();
  private final AutoCloseable removals;
  private volatile MeshLinks mesh;
  private volatile Tcp.ServerBinding binding;
  private CompletionStage<Done> shutdown;

  private RelayServer(ActorSystem<?> system, RelayServices services, MonotonicClock clock, ActiveKeys keys) {
    this.system = system;
    this.services = services;
    this.clock = clock;
    // A key leaving the active set closes its connections at once.
    this.removals = keys.onRemoved((key, status) -> {
      for (ClientSession s : services.registry().sessionsOf(key)) {
        s.actor.tell(new RelayStream.KeyRemoved(status));
      }
    });
    services.metrics().meshGauges(() -> mesh == null ? 0 : mesh.linksUp(), services.registry()::remoteCount);
  }

  /**
   * A relay that admits the keys {@code keys} lists (failing closed after
   * {@link RelaySettings#admissionGrace()} without confirmation). It accepts nothing until
   * {@link #bind} or {@link #connection} is used.
   */
  public static RelayServer create(ActorSystem<?> system, RelaySettings settings, ActiveKeys keys,
      RelayMetrics metrics, MonotonicClock clock) {
    ClientRegistry registry = new ClientRegistry(metrics);
    Admission admission = new Admission(keys, settings.admissionGrace(), clock);
    return new RelayServer(system, new RelayServices(registry, admission, metrics, settings), clock, keys);
  }

  /** Links to the siblings in the settings, each reached through {@code dialers}. */
  public void startMesh(Function<MeshPeer, RelayDialer> dialers) {
    RelaySettings s = services.settings();
    if (s.meshPeers().isEmpty()) {
      return;
    }
    mesh = MeshLinks.start(system, s.meshKey().orElseThrow(), s.meshPeers(), dialers, services.registry(),
        services.metrics().meshQueues);
  }

  /**
   * The plaintext side of one connection whose peer proved {@code provenKey}: relay frames in,
   * relay frames out. Each materialization is a new connection with its own RelayStream actor.
   *
   * @param remote where the connection came from, for logs
   */
  public Flow<ByteString, ByteString, NotUsed> connection(NodePublicKey provenKey, String remote) {
    return Flow.<ByteString, ByteString, NotUsed>fromMaterializer((mat, attributes) -> {
      long id = CONNECTION_IDS.incrementAndGet();
      RelaySettings s = services.settings();
      ClientSession session = new ClientSession(id, provenKey, remote,
          new SendQueue(s.sendQueuePackets(), SendQueue.CONTROL_CAPACITY, services.metrics().clientQueues));
      session.actor = system.systemActorOf(RelayStream.create(session, services), "relay-stream-" + id, Props.empty());
      return Flow.fromSinkAndSource(
          RelayFraming.decoder()
              .idleTimeout(RelayProtocol.SERVER_READ_TIMEOUT)
              .to(new InboundFrames(session, services, clock)),
          Source.fromGraph(new SendQueueSource(session.queue, s.writeTimeout(), SendQueueSource.MAX_BATCH_BYTES))
              .watchTermination((nu, done) -> {
                done.whenComplete((d, failure) -> session.actor.tell(new RelayStream.OutboundEnded(failure)));
                return nu;
              }));
    }).mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /**
   * Listens on the configured address: TCP, TLS if configured, then the secure channel, whose
   * proven key selects the connection. Completes with the bound address.
   */
  public CompletionStage<InetSocketAddress> bind() {
    RelaySettings s = services.settings();
    String host = s.listen().getHostString();
    int port = s.listen().getPort();
    Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections = s.tls()
        .map(ctx -> Tcp.get(system).bindWithTls(host, port, () -> TlsContexts.serverEngine(ctx), ACCEPT_BACKLOG, List.of(),
            Optional.empty(), session -> Optional.empty(), TLSClosing.eagerClose()))
        .orElseGet(() -> Tcp.get(system).bind(host, port, ACCEPT_BACKLOG, List.of(), false, Optional.empty()));
    return connections
        .throttle(s.acceptsPerSecond(), Duration.ofSeconds(1), s.acceptBurst(), ThrottleMode.shaping())
        .to(Sink.foreach(c -> {
          services.metrics().accepted();
          String remote = c.remoteAddress().toString();
          c.handleWith(SecureChannel.serverConnection(ChannelProtocol.RELAY, s.privateKey(), NodePublicKey::new,
                  this::admitHandshake, channelSettings, identity -> connection(identity.clientKey(), remote))
              .mapMaterializedValue(proven -> proven.whenComplete((id, failure) -> {
                if (failure != null) {
                  LOG.debug("connection from {} ended in its handshake: {}", remote, failure.toString());
                  handshakeFailure(failure).ifPresent(services.metrics()::handshakeFailed);
                }
              })), system);
        }))
        .run(system)
        .thenApply(b -> {
          binding = b;
          LOG.info("relay {} listening on {}{}", s.privateKey().publicKey().shortString(), b.localAddress(),
              s.tls().isPresent() ? " (TLS)" : "");
          return b.localAddress();
        });
  }

  /**
   * The handshake's admission: a key that is neither a sibling relay nor admitted as a node is
   * refused before the relay spends anything on it, with the same reason a CLOSING frame would
   * give. Apart from counting a refusal it only reads state, since a replayed handshake message
   * reaches it too.
   * The hello inside the channel is checked again, since a key may be revoked in between and a
   * sibling must still show the mesh key.
   */
  private CompletionStage<Decision> admitHandshake(NodePublicKey key, byte[] hello) {
    RelaySettings s = services.settings();
    RelayPublicKey asRelay = new RelayPublicKey(key.bytes());
    if (s.meshPeers().stream().anyMatch(p -> p.key().equals(asRelay))) {
      return CompletableFuture.completedFuture(Decision.accept(new byte[0]));
    }
    if (services.admission().decide(key) instanceof Admission.Refuse r) {
      services.metrics().closed(r.reason());
      return CompletableFuture.completedFuture(Decision.refuse(HandshakeRefusal.text(r.reason(), r.detail())));
    }
    return CompletableFuture.completedFuture(Decision.accept(new byte[0]));
  }

  private static Optional<ChannelException.Reason> handshakeFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ChannelException e) {
        return Optional.of(e.reason());
      }
    }
    return Optional.empty();
  }

  /**
   * Stops accepting, tells every client (with SERVER_RESTARTING first when {@code restarting} is
   * given) and closes them, closes the mesh links, and completes when all connections are closed
   * or {@link #SHUTDOWN_TIMEOUT} has passed. Later calls return the first call's completion.
   */
  public CompletionStage<Done> shutdown(Optional<ServerRestarting> restarting) {
    synchronized (this) {
      if (shutdown == null) {
        shutdown = stop(restarting);
      }
      return shutdown;
    }
  }

  /** The one shutdown; a second call would wait on mesh links that are already gone. */
  private CompletionStage<Done> stop(Optional<ServerRestarting> restarting) {
    CompletionStage<Done> unbound = binding == null ? CompletableFuture.completedFuture(Done.getInstance())
        : binding.unbind().thenApply(u -> Done.getInstance());
    return unbound.thenCompose(u -> {
      for (ClientSession s : services.registry().openSessions()) {
        s.actor.tell(new RelayStream.Shutdown(restarting));
      }
      CompletionStage<Void> linksClosed = mesh == null ? CompletableFuture.completedFuture(null) : mesh.close();
      return linksClosed.thenCompose(v -> services.registry().drained()).toCompletableFuture()
          .completeOnTimeout(Done.getInstance(), SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }).whenComplete((d, t) -> {
      try {
        removals.close();
      } catch (Exception e) {
        LOG.debug("removing the key listener failed", e);
      }
    });
  }

  public RelayPublicKey publicKey() {
    return services.settings().privateKey().publicKey();
  }

  public RelayMetrics metrics() {
    return services.metrics();
  }

  /** True if a node with this key is connected here and admitted. */
  public boolean isConnected(NodePublicKey key) {
    return services.registry().isLocal(key);
  }

  /** True if a sibling announced a client with this key. */
  public boolean knowsRemote(NodePublicKey key) {
    return services.registry().isRemote(key);
  }

  /** Connections open right now, admitted or not. */
  public int openConnections() {
    return services.registry().openSessions().size();
  }
}
