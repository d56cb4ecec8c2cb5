package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.control.AuthKey;
import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.actors.control.ControlClientSettings;
import com.oversoc.mesh.actors.control.TcpControlDialer;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.relay.admission.ActiveKeySet;
import com.oversoc.mesh.relay.admission.CoordinatorFeed;
import com.oversoc.mesh.relay.admission.StaticAllowList;
import com.oversoc.mesh.relay.metrics.MetricsEndpoint;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import com.oversoc.mesh.relay.stun.StunServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole relay process: the relay server on TCP (with its mesh links), the STUN server on UDP,
 * the metrics endpoint, and the source of its admission: the control client that streams the
 * coordinator's active keys into the {@link ActiveKeySet} ({@link CoordinatorFeed}), or for a
 * lab, the allow-list it reloads. To the coordinator the relay is a machine enrolled with a
 * relay-role pre-auth key; the node key it enrolls with is its own relay key, so the
 * coordinator's record of it names the key in the relay map.
 */
public final class RelayNode {
  private static final Logger LOG = LoggerFactory.getLogger(RelayNode.class);
  /** How often a lab's allow-list file is re-read. */
  public static final Duration ALLOW_LIST_RELOAD = Duration.ofSeconds(10);
  /** A planned stop asks clients to come back after about this long (a service restart)... */
  public static final Duration RESTART_RECONNECT_IN = Duration.ofSeconds(5);
  /** ...and to keep retrying quickly for this long before backing off as usual. */
  public static final Duration RESTART_TRY_FOR = Duration.ofSeconds(60);

  /**
   * Pekko settings for a relay process, under a node's own {@code pekko} block. The relay's work is
   * short non-blocking steps on the default dispatcher, so it gets one thread per core (Pekko's
   * default minimum is 8, which on a 2-core machine only adds context switches); measured with
   * {@code RelayThroughput}, this forwards about a fifth more per core.
   */
  public static Config pekkoDefaults() {
    return ConfigFactory.parseString("pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = 2");
  }

  /**
   * @param stun the UDP address of the STUN server
   * @param metrics where to serve {@code /metrics}; empty to serve nothing
   * @param admission where the admitted keys come from
   * @param software what STUN answers carry in SOFTWARE, e.g. "ovsgw 0.1.0"
   */
  public record Settings(RelaySettings relay, InetSocketAddress stun, Optional<InetSocketAddress> metrics,
      AdmissionSource admission, String software) {}

  /** Where the relay learns which node keys it may admit: exactly one source. */
  public sealed interface AdmissionSource {}

  /**
   * The coordinator's active-keys feed, over a control client in RELAY mode whose node key is
   * this relay's key (build the settings with {@link #controlSettings}).
   */
  /** @param tls when present, the control connection runs inside TLS with this client context */
  public record FromCoordinator(ControlClientSettings control, Optional<SSLContext> tls) implements AdmissionSource {}

  /** A lab relay without a coordinator: the node keys listed in a file, re-read periodically. */
  public record FromAllowList(Path file) implements AdmissionSource {}

  /**
   * The control client settings of a relay: RELAY mode, and the relay's own key as the node key
   * it enrolls with. Defaults otherwise; tests shorten the timers with the settings' withers.
   */
  public static ControlClientSettings controlSettings(RelayPrivateKey relayKey, List<Endpoint> coordinators,
      CoordinatorPublicKey coordinatorKey, MachinePrivateKey machineKey, AuthKey authKey, String nodeName,
      String software) {
    return ControlClientSettings.defaults(ControlClientSession.Mode.RELAY, coordinators, coordinatorKey, machineKey,
        asNodeKey(relayKey), authKey, nodeName, software);
  }

  private static NodePrivateKey asNodeKey(RelayPrivateKey relayKey) {
    byte[] material = relayKey.bytes();
    try {
      return new NodePrivateKey(material);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  private final RelayServer server;
  private final InetSocketAddress relayAddress;
  private final StunServer stun;
  private final Optional<ServerBinding> metrics;
  private final Optional<Cancellable> reload;
  private final Optional<ControlClient> control;

  private RelayNode(RelayServer server, InetSocketAddress relayAddress, StunServer stun,
      Optional<ServerBinding> metrics, Optional<Cancellable> reload, Optional<ControlClient> control) {
    this.server = server;
    this.relayAddress = relayAddress;
    this.stun = stun;
    this.metrics = metrics;
    this.reload = reload;
    this.control = control;
  }

  /**
   * Starts everything; fails if a port is taken or the allow-list cannot be read (nothing is
   * left running then). With the coordinator feed, the control client starts once the relay
   * listens; until its first full set arrives the relay admits nobody (fail closed).
   */
  public static CompletionStage<RelayNode> start(ActorSystem<?> system, Settings settings, ActiveKeySet keys,
      MonotonicClock clock) {
    RelaySettings rs = settings.relay();
    Optional<Cancellable> reload = Optional.empty();
    switch (settings.admission()) {
      case FromAllowList a -> {
        StaticAllowList list = new StaticAllowList(a.file(), keys);
        try {
          list.refresh();
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
        reload = Optional.of(system.scheduler().scheduleWithFixedDelay(ALLOW_LIST_RELOAD, ALLOW_LIST_RELOAD, () -> {
          try {
            list.refresh();
          } catch (IOException e) {
            LOG.warn("allow-list not reloaded, the last good one stays until the grace period ends: {}",
                e.getMessage());
          }
        }, system.executionContext()));
      }
      case FromCoordinator c -> {
        ControlClientSettings control = c.control();
        if (control.mode() != ControlClientSession.Mode.RELAY || !MessageDigest.isEqual(
            control.nodeKey().publicKey().bytes(), rs.privateKey().publicKey().bytes())) {
          return CompletableFuture.failedFuture(new IllegalArgumentException(
              "a relay's control client runs in RELAY mode with the relay key as its node key; use controlSettings"));
        }
      }
    }
    RelayMetrics metrics = new RelayMetrics();
    RelayServer server = RelayServer.create(system, rs, keys, metrics, clock);
    Optional<SSLContext> meshTls = rs.tls().isPresent() ? Optional.of(defaultTls()) : Optional.empty();
    Optional<Cancellable> reloading = reload;
    return server.bind().thenCompose(relayAddress -> {
      server.startMesh(peer -> new TcpRelayDialer(system, peer.address(), meshTls, rs.privateKey(), peer.key(),
          SecureChannel.Settings.defaults()));
      CompletionStage<Optional<ServerBinding>> endpoint = settings.metrics()
          .map(a -> MetricsEndpoint.bind(system, a, metrics).thenApply(Optional::of))
          .orElse(CompletableFuture.completedFuture(Optional.empty()));
      return StunServer.start(system, settings.stun(), metrics, settings.software())
          .thenCombine(endpoint, (stun, binding) -> new RelayNode(server, relayAddress, stun, binding, reloading,
              startControl(system, settings.admission(), keys)));
    }).whenComplete((node, failure) -> {
      if (failure != null) {
        reloading.ifPresent(Cancellable::cancel);
        server.shutdown(Optional.empty());
      }
    });
  }

  private static Optional<ControlClient> startControl(ActorSystem<?> system, AdmissionSource source,
      ActiveKeySet keys) {
    if (!(source instanceof FromCoordinator c)) {
      return Optional.empty();
    }
    ControlClientSettings s = c.control();
    return Optional.of(ControlClient.start(system, "relay-" + s.nodeKey().publicKey().shortString(), s,
        new TcpControlDialer(system, s.machineKey(), s.coordinatorKey(), SecureChannel.Settings.defaults(), c.tls()),
        new CoordinatorFeed(keys)));
  }

  /** Siblings are reached with TLS when this relay serves TLS; their certificates chain to public CAs. */
  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new UncheckedIOException(new IOException("this JDK has no default TLS context", e));
    }
  }

  /**
   * Stops: clients are told the relay is restarting (so they come back in about
   * {@link #RESTART_RECONNECT_IN}), then everything is closed.
   */
  public CompletionStage<Done> stop() {
    reload.ifPresent(Cancellable::cancel);
    return server.shutdown(Optional.of(new ServerRestarting(RESTART_RECONNECT_IN, RESTART_TRY_FOR)))
        .thenCompose(d -> control.map(ControlClient::closeAsync).orElse(done()))
        .thenCompose(d -> stun.stop())
        .thenCompose(d -> metrics.map(b -> b.unbind().thenApply(u -> Done.getInstance())).orElse(done()));
  }

  private static CompletionStage<Done> done() {
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** The control client feeding admission; empty for a lab relay. */
  public Optional<ControlClient> control() {
    return control;
  }

  public RelayServer server() {
    return server;
  }

  public InetSocketAddress relayAddress() {
    return relayAddress;
  }

  public InetSocketAddress stunAddress() {
    return stun.localAddress();
  }

  public Optional<InetSocketAddress> metricsAddress() {
    return metrics.map(ServerBinding::localAddress);
  }
}
