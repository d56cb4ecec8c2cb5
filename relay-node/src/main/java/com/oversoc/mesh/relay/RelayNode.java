package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.relay.admission.ActiveKeySet;
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
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
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
 * the metrics endpoint, and, for a lab, the allow-list it reloads. Admission comes from the
 * {@link ActiveKeySet} the caller feeds (the coordinator's stream in production).
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
   * @param allowList a lab's file of admitted node keys; empty when the coordinator feeds admission
   * @param software what STUN answers carry in SOFTWARE, e.g. "ovsgw 0.1.0"
   */
  public record Settings(RelaySettings relay, InetSocketAddress stun, Optional<InetSocketAddress> metrics,
      Optional<Path> allowList, String software) {}

  private final RelayServer server;
  private final InetSocketAddress relayAddress;
  private final StunServer stun;
  private final Optional<ServerBinding> metrics;
  private final Optional<Cancellable> reload;

  private RelayNode(RelayServer server, InetSocketAddress relayAddress, StunServer stun,
      Optional<ServerBinding> metrics, Optional<Cancellable> reload) {
    this.server = server;
    this.relayAddress = relayAddress;
    this.stun = stun;
    this.metrics = metrics;
    this.reload = reload;
  }

  /**
   * Starts everything; fails if a port is taken or the allow-list cannot be read (nothing is
   * left running then).
   */
  public static CompletionStage<RelayNode> start(ActorSystem<?> system, Settings settings, ActiveKeySet keys,
      MonotonicClock clock) {
    Optional<Cancellable> reload = Optional.empty();
    if (settings.allowList().isPresent()) {
      StaticAllowList list = new StaticAllowList(settings.allowList().get(), keys);
      try {
        list.refresh();
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      reload = Optional.of(system.scheduler().scheduleWithFixedDelay(ALLOW_LIST_RELOAD, ALLOW_LIST_RELOAD, () -> {
        try {
          list.refresh();
        } catch (IOException e) {
          LOG.warn("allow-list not reloaded, the last good one stays until the grace period ends: {}", e.getMessage());
        }
      }, system.executionContext()));
    }
    RelayMetrics metrics = new RelayMetrics();
    RelaySettings rs = settings.relay();
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
          .thenCombine(endpoint, (stun, binding) -> new RelayNode(server, relayAddress, stun, binding, reloading));
    }).whenComplete((node, failure) -> {
      if (failure != null) {
        reloading.ifPresent(Cancellable::cancel);
        server.shutdown(Optional.empty());
      }
    });
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
        .thenCompose(d -> stun.stop())
        .thenCompose(d -> metrics.map(b -> b.unbind().thenApply(u -> Done.getInstance()))
            .orElse(CompletableFuture.completedFuture(Done.getInstance())));
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
