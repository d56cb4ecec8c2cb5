package com.oversoc.mesh.node.role;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.channel.TlsContexts;
import com.oversoc.mesh.actors.control.AuthKey;
import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.actors.control.ControlClientSettings;
import com.oversoc.mesh.actors.control.MachineKeyFile;
import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.node.cli.BuildInfo;
import com.oversoc.mesh.node.cli.ExitCodes;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.config.NodeConfig.ControlSettings;
import com.oversoc.mesh.node.config.NodeConfig.RelayLimits;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.RelayKeyFiles;
import com.oversoc.mesh.relay.RelayNode;
import com.oversoc.mesh.relay.RelaySettings;
import com.oversoc.mesh.relay.admission.ActiveKeySet;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the relay role: the relay key (created on the first start, its public half printed once
 * for the relay map), the mesh key and TLS files, then the relay, STUN and metrics servers, and
 * the source of admission. By default that is the coordinator: a control client with the
 * machine key of {@code state-dir/machine.key} (created on the first start), enrolling with a
 * relay-role pre-auth key the first time, streams the coordinator's active keys into the
 * relay's {@link ActiveKeySet}. A lab relay uses its allow-list file instead. If the coordinator
 * revokes the relay or refuses it for good, the relay stops and exits with
 * {@link ExitCodes#FAILURE}: it could never admit anyone again.
 */
public final class RelayLauncher implements RoleLauncher {
  /** How long starting the listeners may take before the start is declared failed. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** How long a stop waits for clients to be told and the ports released. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  /** Host names that can serve as a node name (ovsgw.node.name's rule). */
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  /** The kernel's host name, read without resolving anything. */
  private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");
  private static final Logger LOG = LoggerFactory.getLogger(RelayLauncher.class);

  private final PrintStream out;

  public RelayLauncher(PrintStream out) {
    this.out = out;
  }

  @Override
  public Running start(NodeConfig config) throws Exception {
    NodeConfig.RelaySettings r = config.relay();
    SecureRandom random = new SecureRandom();
    KeyFile.Loaded<RelayPrivateKey> key = RelayKeyFiles.loadOrCreate(config.node().stateDir(), random);
    Optional<MeshKey> meshKey = r.meshKeyFile().isPresent()
        ? Optional.of(RelayKeyFiles.readMeshKey(r.meshKeyFile().get())) : Optional.empty();
    Optional<SSLContext> tls = r.tls().isPresent()
        ? Optional.of(TlsContexts.serverContext(r.tls().get().certificateChain(), r.tls().get().privateKey()))
        : Optional.empty();
    RelayNode.AdmissionSource admission = r.allowListFile().isPresent()
        ? new RelayNode.FromAllowList(r.allowListFile().get())
        : new RelayNode.FromCoordinator(controlSettings(config, key.key(), random), controlTls(config.control()));
    RelayLimits l = r.limits();
    RelaySettings settings = new RelaySettings(key.key(), address(r.address(), r.port()), tls, l.sendQueuePackets(),
        l.writeTimeout(), l.keepalive(), RelayProtocol.KEEPALIVE_JITTER,
        l.clientRateBytesPerSecond(), l.clientBurstBytes(), l.acceptsPerSecond(), l.acceptBurst(), r.admissionGrace(),
        meshKey, r.meshPeers());
    RelayNode.Settings node = new RelayNode.Settings(settings, address(r.address(), r.stunPort()),
        r.metrics().map(m -> address(m.address(), m.port())), admission, software());

    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "ovsgw-relay",
        config.pekko().withFallback(RelayNode.pekkoDefaults()));
    try {
      RelayNode relay = RelayNode.start(system, node,
              new ActiveKeySet(SystemClocks.MONOTONIC, SystemClocks.WALL), SystemClocks.MONOTONIC)
          .toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LOG.info("relay {}: relay protocol on {}{}, STUN on UDP {}, metrics {}, admission from {}",
          key.key().publicKey().toBase64(), relay.relayAddress(), tls.isPresent() ? " (TLS)" : "", relay.stunAddress(),
          relay.metricsAddress().map(a -> "on http://" + a.getHostString() + ":" + a.getPort() + "/metrics").orElse("off"),
          r.allowListFile().map(f -> "the allow-list " + f).orElse("the coordinator " + config.control().coordinators()));
      if (key.created()) {
        out.println("Relay public key (publish it in the relay map, and in its siblings' mesh peers):");
        out.println("  " + key.key().publicKey().toBase64());
        out.flush();
      }
      CompletableFuture<Integer> exit = new CompletableFuture<>();
      system.getWhenTerminated().thenRun(() -> exit.complete(ExitCodes.OK));
      relay.control().ifPresent(c -> c.stopped().thenAccept(s -> {
        if (s.reason() != ControlClient.Stopped.Reason.CLOSED) {
          LOG.error("relay stops: {}; it can admit nobody without its coordinator", s.detail());
          exit.complete(ExitCodes.FAILURE);
        }
      }));
      return new Running() {
        @Override
        public CompletionStage<Integer> terminated() {
          return exit;
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

  /** The relay's control client: its machine key, the coordinators and key it pins, its pre-auth key. */
  private static ControlClientSettings controlSettings(NodeConfig config, RelayPrivateKey relayKey,
      SecureRandom random) throws IOException {
    ControlSettings c = config.control();
    KeyFile.Loaded<MachinePrivateKey> machine = MachineKeyFile.loadOrCreate(config.node().stateDir(), random);
    AuthKey authKey = c.authKey().map(s -> AuthKey.inline(s.reveal()))
        .or(() -> c.authKeyFile().map(AuthKey::file))
        .orElse(AuthKey.none());
    return RelayNode.controlSettings(relayKey, c.coordinators(), c.coordinatorKey().orElseThrow(), machine.key(),
        authKey, config.node().name().orElseGet(RelayLauncher::hostName), software());
  }

  /** TLS around the control connection when {@code ovsgw.control.tls} asks for it. */
  private static Optional<SSLContext> controlTls(ControlSettings c) throws IOException {
    return c.tls() ? Optional.of(TlsContexts.clientContext(c.trustedCertificates())) : Optional.empty();
  }

  /** The host name as the kernel has it, if it is a valid node name; else empty (the coordinator picks one). */
  private static String hostName() {
    try {
      String name = Files.readString(HOSTNAME, StandardCharsets.US_ASCII).strip();
      return NODE_NAME.matcher(name).matches() ? name : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String software() {
    return "ovsgw " + BuildInfo.version();
  }

  private static InetSocketAddress address(IpLiteral ip, int port) {
    return new InetSocketAddress(ip.toInetAddress(), port);
  }
}
