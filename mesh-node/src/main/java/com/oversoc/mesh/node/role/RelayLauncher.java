package com.oversoc.mesh.node.role;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.node.cli.BuildInfo;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.config.NodeConfig.RelayLimits;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.RelayKeyFiles;
import com.oversoc.mesh.relay.RelayNode;
import com.oversoc.mesh.relay.RelaySettings;
import com.oversoc.mesh.relay.RelayTls;
import com.oversoc.mesh.relay.admission.ActiveKeySet;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the relay role: the relay key (created on the first start, its public half printed once
 * for the relay map), the mesh key and TLS files, then the relay, STUN and metrics servers.
 * Admission in this build comes from the configured allow-list file; the coordinator's feed
 * plugs into the same {@link ActiveKeySet} when it is wired.
 */
public final class RelayLauncher implements RoleLauncher {
  /** How long starting the listeners may take before the start is declared failed. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** How long a stop waits for clients to be told and the ports released. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(RelayLauncher.class);

  private final PrintStream out;

  public RelayLauncher(PrintStream out) {
    this.out = out;
  }

  @Override
  public Running start(NodeConfig config) throws Exception {
    NodeConfig.RelaySettings r = config.relay();
    if (r.allowListFile().isEmpty()) {
      throw new IllegalStateException("relay admission: this build has no feed of active keys from the coordinator "
          + "yet; for a lab relay set ovsgw.relay.admission.allow-list-file");
    }
    SecureRandom random = new SecureRandom();
    KeyFile.Loaded<RelayPrivateKey> key = RelayKeyFiles.loadOrCreate(config.node().stateDir(), random);
    Optional<MeshKey> meshKey = r.meshKeyFile().isPresent()
        ? Optional.of(RelayKeyFiles.readMeshKey(r.meshKeyFile().get())) : Optional.empty();
    Optional<SSLContext> tls = r.tls().isPresent()
        ? Optional.of(RelayTls.serverContext(r.tls().get().certificateChain(), r.tls().get().privateKey()))
        : Optional.empty();
    RelayLimits l = r.limits();
    RelaySettings settings = new RelaySettings(key.key(), address(r.address(), r.port()), tls, l.sendQueuePackets(),
        l.writeTimeout(), l.keepalive(), RelayProtocol.KEEPALIVE_JITTER,
        l.clientRateBytesPerSecond(), l.clientBurstBytes(), l.acceptsPerSecond(), l.acceptBurst(), r.admissionGrace(),
        meshKey, r.meshPeers());
    RelayNode.Settings node = new RelayNode.Settings(settings, address(r.address(), r.stunPort()),
        r.metrics().map(m -> address(m.address(), m.port())), new RelayNode.FromAllowList(r.allowListFile().get()),
        "ovsgw " + BuildInfo.version());

    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "ovsgw-relay",
        config.pekko().withFallback(RelayNode.pekkoDefaults()));
    try {
      RelayNode relay = RelayNode.start(system, node, new ActiveKeySet(SystemClocks.MONOTONIC), SystemClocks.MONOTONIC)
          .toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LOG.info("relay {}: relay protocol on {}{}, STUN on UDP {}, metrics {}", key.key().publicKey().toBase64(),
          relay.relayAddress(), tls.isPresent() ? " (TLS)" : "", relay.stunAddress(),
          relay.metricsAddress().map(a -> "on http://" + a.getHostString() + ":" + a.getPort() + "/metrics").orElse("off"));
      if (key.created()) {
        out.println("Relay public key (publish it in the relay map, and in its siblings' mesh peers):");
        out.println("  " + key.key().publicKey().toBase64());
        out.flush();
      }
      return new Running() {
        @Override
        public CompletionStage<Integer> terminated() {
          return system.getWhenTerminated().thenApply(done -> 0);
        }

        @Override
        public void close() {
          try {
            relay.stop().toCompletableFuture().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          } catch (Exception e) {
            LOG.warn("relay did not stop cleanly: {}", e.toString());
          }
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().join();
        }
      };
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  private static InetSocketAddress address(IpLiteral ip, int port) {
    return new InetSocketAddress(ip.toInetAddress(), port);
  }
}
