package com.oversoc.mesh.node.role;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.channel.TlsContexts;
import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.coordinator.Coordinator;
import com.oversoc.mesh.coordinator.CoordinatorKeyFile;
import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.coordinator.admin.AdminApi;
import com.oversoc.mesh.coordinator.admin.AdminHttp;
import com.oversoc.mesh.coordinator.cluster.ClusterConfig;
import com.oversoc.mesh.coordinator.server.ControlListener;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinator role: the key file (created on the first start), the actor system (a
 * cluster member when replicas are configured), the store and distributor, the control
 * listener and the admin API. The first start prints the coordinator's public key and a first
 * admin token on stdout, once.
 */
public final class CoordinatorLauncher implements RoleLauncher {
  /** How long binding a listener may take before the start is declared failed. */
  static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLauncher.class);

  private final PrintStream out;

  public CoordinatorLauncher(PrintStream out) {
    this.out = out;
  }

  @Override
  public Running start(NodeConfig config) throws Exception {
    CoordinatorSettings s = config.coordinator();
    SecureRandom random = new SecureRandom();
    KeyFile.Loaded<CoordinatorPrivateKey> key = CoordinatorKeyFile.loadOrCreate(s.stateDir(), random);
    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME,
        config.pekko().withFallback(ClusterConfig.pekko(s.cluster())));
    try {
      Coordinator coordinator = Coordinator.start(system, s, key.key(), SystemClocks.WALL, random);
      Optional<String> firstToken = coordinator.service().firstAdminToken();
      Optional<SSLContext> tls = config.coordinatorTls().isPresent() ? Optional.of(TlsContexts.serverContext(
          config.coordinatorTls().get().certificateChain(), config.coordinatorTls().get().privateKey()))
          : Optional.empty();
      Tcp.ServerBinding control = ControlListener.bind(system, s.controlAddress().toString(), s.controlPort(), tls,
          key.key(), new SecureChannel.Settings(SecureChannel.DEFAULT_HANDSHAKE_TIMEOUT, random),
          coordinator.connections()).toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      ServerBinding admin = AdminHttp.bind(system, new AdminApi(coordinator.service()), s.adminAddress().toString(),
          s.adminPort()).toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LOG.info("coordinator: control protocol on {}{}, admin API on {}, public key {}", control.localAddress(),
          tls.isPresent() ? " (TLS)" : "", admin.localAddress(), key.key().publicKey().toBase64());
      if (key.created()) {
        out.println("Coordinator public key (pin it in every node's ovsgw.control.coordinator-public-key):");
        out.println("  " + key.key().publicKey().toBase64());
      }
      firstToken.ifPresent(t -> {
        out.println("First admin token (shown once; store it, e.g. in a file for ovsgw admin --token-file):");
        out.println("  " + t);
      });
      out.flush();
      return new Running() {
        @Override
        public CompletionStage<Integer> terminated() {
          return system.getWhenTerminated().thenApply(done -> 0);
        }

        @Override
        public void close() {
          coordinator.close();
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().join();
        }
      };
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }
}
