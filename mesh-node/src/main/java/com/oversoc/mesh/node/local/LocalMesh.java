package com.oversoc.mesh.node.local;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.node.cli.Cli;
import com.oversoc.mesh.node.config.ConfigLoader;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.role.CoordinatorLauncher;
import com.oversoc.mesh.node.role.MeshNodeLauncher;
import com.oversoc.mesh.node.role.RelayLauncher;
import com.oversoc.mesh.node.role.RoleLauncher;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.relay.RelayKeyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole mesh on loopback, in this process: a coordinator (embedded H2), a relay, a gateway
 * with a sample HTTP API behind it, and a platform node with a port forward to that API. Each
 * node runs from its own configuration file, written into its own state directory, and is set up
 * the way an operator would: pre-auth keys and the policy through the admin API, keys files that
 * the nodes delete once enrolled. A second start on the same directory reuses the enrolled nodes.
 *
 * <pre>
 *  curl --> platform 127.0.0.1:FORWARD --WireGuard over UDP (or the relay)--> gateway --> sample API
 * </pre>
 */
public final class LocalMesh implements AutoCloseable {
  public static final String GATEWAY = "acme-dmz-1";
  public static final String PLATFORM = "oversoc-collector-1";
  static final String COORDINATOR_KEY_FILE = "coordinator.key";
  static final String TOKEN_FILE = "admin.token";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** The relay's default: without word from the coordinator for this long it admits nobody new. */
  public static final Duration DEFAULT_RELAY_GRACE = Duration.ofMinutes(5);

  private final List<AutoCloseable> started = new ArrayList<>();
  private final Path root;
  private final Duration relayGrace;
  private final Optional<NodeConfig.TlsFiles> tls;
  private int relayMetricsPort;
  private RoleLauncher.Running coordinator;
  private int adminPort;
  private Path gatewayConf;
  private SampleApi api;
  private MeshNodeLauncher.Node gateway;
  private MeshNodeLauncher.Node platform;
  private int forwardPort;

  private LocalMesh(Path root, Duration relayGrace, Optional<NodeConfig.TlsFiles> tls) {
    this.tls = tls;
    this.root = root;
    this.relayGrace = relayGrace;
  }

  /**
   * Starts everything under {@code root}; {@code forwardPort} 0 picks a free port.
   *
   * @throws IOException naming what could not be set up (a port in use, a state directory that
   *     cannot be written)
   */
  public static LocalMesh start(Path root, int forwardPort) throws Exception {
    return start(root, forwardPort, DEFAULT_RELAY_GRACE);
  }

  /** As {@link #start(Path, int)}, with the relay's admission grace period (tests make it short). */
  public static LocalMesh start(Path root, int forwardPort, Duration relayGrace) throws Exception {
    return start(root, forwardPort, relayGrace, Optional.empty());
  }

  /**
   * As {@link #start(Path, int, Duration)}, with the coordinator and the relay listening with TLS
   * around the secure channel ({@code tls}: a certificate for 127.0.0.1 and its key), and the
   * nodes and the relay dialing them so, trusting that certificate: how a deployment behind a
   * TLS-only egress is configured.
   */
  public static LocalMesh start(Path root, int forwardPort, Duration relayGrace, Optional<NodeConfig.TlsFiles> tls)
      throws Exception {
    LocalMesh mesh = new LocalMesh(root.toAbsolutePath(), relayGrace, tls);
    try {
      mesh.startAll(forwardPort);
      return mesh;
    } catch (Exception | Error e) {
      mesh.close();
      throw e;
    }
  }

  private void startAll(int requestedForwardPort) throws Exception {
    Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    SecureRandom random = new SecureRandom();
    int control = freeTcpPort();
    int admin = freeTcpPort();
    int relayPort = freeTcpPort();
    int stunPort = freeUdpPort();
    int metricsPort = freeTcpPort();
    relayMetricsPort = metricsPort;
    // With TLS: what the servers present, what the nodes set to dial them, what they trust.
    String serverTls = tls.map(t -> "tls { certificate-file = \"" + t.certificateChain() + "\", private-key-file = \""
        + t.privateKey() + "\" }").orElse("");
    String clientTls = tls.map(t -> "tls = true").orElse("");
    String trust = tls.map(t -> "tls.trusted-certificates-file = \"" + t.certificateChain() + "\"").orElse("");
    // Fixed for the run, so that a restarted node is where its peers' cached maps say it is.
    int gatewayUdp = freeUdpPort();
    int platformUdp = freeUdpPort();
    adminPort = admin;
    forwardPort = requestedForwardPort == 0 ? freeTcpPort() : requestedForwardPort;

    // The relay's key exists before the coordinator starts: the coordinator publishes it in the relay map.
    RelayPrivateKey relayKey = RelayKeyFiles.loadOrCreate(root.resolve("relay"), random).key();
    Path coordinatorConf = write("coordinator", """
        ovsgw {
          role = coordinator
          node { name = "local-coordinator", state-dir = "%s" }
          log.level = warn
          coordinator {
            listen-address = "127.0.0.1"
            listen-port = %d
            admin-listen-port = %d
            relays = [ { region = 1, code = "local", host = "127.0.0.1", port = %d, stun-port = %d, public-key = "%s",
              tls = %s } ]
            %s
          }
        }
        """.formatted(root.resolve("coordinator"), control, admin, relayPort, stunPort, relayKey.publicKey().toBase64(),
            tls.isPresent(), serverTls));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    coordinator = new CoordinatorLauncher(new PrintStream(printed, true, StandardCharsets.UTF_8))
        .start(ConfigLoader.load(coordinatorConf, Map.of()));
    started.add(coordinator);
    String coordinatorKey = KeyFile.read(root.resolve("coordinator").resolve(COORDINATOR_KEY_FILE),
        CoordinatorPrivateKey::parse).publicKey().toBase64();
    Path token = root.resolve(TOKEN_FILE);
    boolean firstStart = !Files.exists(token);
    if (firstStart) {
      String t = printed.toString(StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> l.startsWith("ovsgw-admin-")).findFirst()
          .orElseThrow(() -> new IOException("the coordinator in " + root.resolve("coordinator") + " has been started "
              + "before without this local mesh's admin token; delete " + root + " to start afresh"));
      Files.writeString(Files.createFile(token, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), t + "\n");
      // OverSOC's platforms reach acme's gateways; nothing else crosses tenants.
      Path policy = Files.writeString(root.resolve("policy.conf"), """
          same-tenant = true
          platform-to-platform = false
          grants = [ { platforms { tenant = oversoc }, gateways { tenant = acme } } ]
          """);
      admin(admin, token, "policy", "set", policy.toString());
    }

    String controlSection = "coordinators = [\"127.0.0.1:" + control + "\"]\n    coordinator-public-key = \""
        + coordinatorKey + "\"\n    " + clientTls;
    Path relayConf = write("relay", """
        ovsgw {
          role = relay
          node { name = "local-relay", state-dir = "%s" }
          log.level = warn
          control {
            %s
            %s
          }
          relay {
            listen-address = "127.0.0.1", listen-port = %d, stun-port = %d, metrics.listen-port = %d
            admission.grace-period = %ds
            %s
          }
          %s
        }
        """.formatted(root.resolve("relay"), controlSection,
            authKeyLine(firstStart, admin, token, "relay", "oversoc", "relay"), relayPort, stunPort, metricsPort,
            relayGrace.toSeconds(), serverTls, trust));
    started.add(new RelayLauncher(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .start(ConfigLoader.load(relayConf, Map.of())));

    api = SampleApi.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    started.add(api);
    int apiPort = api.address().getPort();
    gatewayConf = write("gateway", """
        ovsgw {
          role = gateway
          node { name = "%s", state-dir = "%s" }
          log.level = warn
          control {
            %s
            %s
          }
          direct { listen-address = "127.0.0.1", listen-port = %d }
          gateway.allowed-targets = ["127.0.0.1:%d"]
          %s
        }
        """.formatted(GATEWAY, root.resolve("gateway"), controlSection,
            authKeyLine(firstStart, admin, token, "gateway", "acme", "gateway"), gatewayUdp, apiPort, trust));
    gateway = new MeshNodeLauncher().start(ConfigLoader.load(gatewayConf, Map.of()));
    started.add(gateway);

    Path platformConf = write("platform", """
        ovsgw {
          role = platform
          node { name = "%s", state-dir = "%s" }
          log.level = warn
          control {
            %s
            %s
          }
          direct { listen-address = "127.0.0.1", listen-port = %d }
          platform.forwards = [ { listen = "127.0.0.1:%d", gateway = "%s", target = "127.0.0.1:%d" } ]
          %s
        }
        """.formatted(PLATFORM, root.resolve("platform"), controlSection,
            authKeyLine(firstStart, admin, token, "platform", "oversoc", "platform"), platformUdp, forwardPort, GATEWAY,
            apiPort, trust));
    platform = new MeshNodeLauncher().start(ConfigLoader.load(platformConf, Map.of()));
    started.add(platform);

    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (platform.dataPlane().peer(GATEWAY).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the platform did not receive the gateway in its peer map within " + READY_TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  /** The auth-key line of a node's control section: a fresh key file on the first start, none after. */
  private String authKeyLine(boolean firstStart, int admin, Path token, String node, String tenant, String role)
      throws IOException {
    if (!firstStart) {
      return "";
    }
    String key = admin(admin, token, "keys", "create", "--tenant", tenant, "--role", role).strip();
    Path file = root.resolve(node + ".auth-key");
    Files.deleteIfExists(file);
    Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------"))), key + "\n");
    return "auth-key-file = \"" + file + "\"";
  }

  /** Runs {@code ovsgw admin ARGS} against the local coordinator; its output, or an exception with its error. */
  private static String admin(int port, Path token, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("admin", "--url", "http://127.0.0.1:" + port, "--token-file", token.toString()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Cli.execute(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    if (exit != 0) {
      throw new IOException("ovsgw " + String.join(" ", all.subList(5, all.size())) + " failed: " + err.toString().strip());
    }
    return out.toString();
  }

  private Path write(String node, String config) throws IOException {
    // Owner-only, as a node creates its own state directory: it holds the node's keys.
    Files.createDirectories(root.resolve(node),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return Files.writeString(root.resolve(node + ".conf"), config);
  }

  private static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs {@code ovsgw admin ARGS} against the local coordinator and returns its output. */
  public String admin(String... args) throws IOException {
    return admin(adminPort, root.resolve(TOKEN_FILE), args);
  }

  /** Stops the coordinator (the nodes keep their cached maps and go on). */
  public void stopCoordinator() throws Exception {
    if (coordinator != null) {
      started.remove(coordinator);
      coordinator.close();
      coordinator = null;
    }
  }

  /** Stops the gateway and starts it again from the same configuration and state directory. */
  public void restartGateway() throws Exception {
    started.remove(gateway);
    gateway.close();
    gateway = new MeshNodeLauncher().start(ConfigLoader.load(gatewayConf, Map.of()));
    started.add(gateway);
  }

  public MeshNodeLauncher.Node gateway() {
    return gateway;
  }

  public MeshNodeLauncher.Node platform() {
    return platform;
  }

  public SampleApi api() {
    return api;
  }

  /** The relay's Prometheus metrics port on loopback. */
  public int relayMetricsPort() {
    return relayMetricsPort;
  }

  /** The platform's port forward to the sample API. */
  public int forwardPort() {
    return forwardPort;
  }

  /** A command that reaches the sample API through the mesh. */
  public String curlCommand() {
    return "curl -s http://127.0.0.1:" + forwardPort + "/";
  }

  /** Stops everything it started, the last started first. */
  @Override
  public void close() {
    for (AutoCloseable c : started.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("ovsgw local: stopping " + c + ": " + e);
      }
    }
    started.clear();
  }
}
