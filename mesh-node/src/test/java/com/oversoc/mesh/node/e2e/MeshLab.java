package com.oversoc.mesh.node.e2e;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.node.cli.Cli;
import com.oversoc.mesh.node.local.SampleApi;
import com.oversoc.mesh.node.netlab.ExecResult;
import com.oversoc.mesh.node.netlab.Firewall;
import com.oversoc.mesh.node.netlab.Host;
import com.oversoc.mesh.node.netlab.JavaMain;
import com.oversoc.mesh.node.netlab.LabProcess;
import com.oversoc.mesh.node.netlab.NatRouter;
import com.oversoc.mesh.node.netlab.NetLab;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.relay.RelayKeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A mesh of separate {@code ovsgw} processes in a {@link NetLab}, set up the way an operator
 * would: the coordinator's first start prints its key and admin token, pre-auth keys and the
 * policy go through {@code ovsgw admin}, every node enrolls from a key file it then deletes.
 *
 * <pre>
 *  internet (203.0.113.0/24)
 *    coord      203.0.113.10   coordinator: control :8443, admin API on its own loopback
 *    relay-1    203.0.113.11   relay of region 1: :443, STUN :3478
 *    relay-2    203.0.113.12   a second relay of region 1, meshed with relay-1 (if asked for)
 *    platform   203.0.113.1x   platform: UDP 41641, port forward on its loopback :18080
 *  dmz          198.51.100.10  the customer's NAT router with an outbound-only firewall
 *    gateway    10.1.0.2       gateway: UDP 41641
 *    api        10.1.0.3       the sample API on :8080, which the gateway may dial
 * </pre>
 *
 * Each node runs with log level info, so the tests follow it by its log lines (a peer's path
 * changes, the netcheck's findings). Keys, configurations, databases and every process's output
 * are under the lab's log directory and kept after the run.
 */
final class MeshLab implements AutoCloseable {
  static final String GATEWAY = "acme-dmz-1";
  static final String PLATFORM = "oversoc-collector-1";
  static final int CONTROL_PORT = 8443;
  static final int ADMIN_PORT = 8444;
  static final int RELAY_PORT = 443;
  static final int STUN_PORT = 3478;
  static final int DIRECT_PORT = 41641;
  static final int API_PORT = 8080;
  static final int FORWARD_PORT = 18080;
  /** A JVM starting, or a node enrolling, on the shared two-core machine. */
  static final Duration START = Duration.ofSeconds(60);
  /** Nodes move hundreds of MiB; everything else is small. */
  private static final String[] NODE_JVM = {"-Xmx512m", "-XX:+ExitOnOutOfMemoryError"};
  private static final String[] TOOL_JVM = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"};

  /**
   * What to build.
   *
   * @param relays relay servers in region 1 (1 or 2; two mesh with each other)
   * @param relayGrace the relays' admission grace period (at least 10 s)
   * @param dmzUdpBlocked UDP blocked on the DMZ's uplink from the start: only TCP leaves the customer's network
   */
  record Options(int relays, Duration relayGrace, boolean dmzUdpBlocked) {
    static Options defaults() {
      return new Options(1, Duration.ofMinutes(5), false);
    }

    Options withRelays(int n) {
      return new Options(n, relayGrace, dmzUdpBlocked);
    }

    Options withRelayGrace(Duration grace) {
      return new Options(relays, grace, dmzUdpBlocked);
    }

    Options withDmzUdpBlocked() {
      return new Options(relays, relayGrace, true);
    }
  }

  /** A relay: its host, key and process. */
  record Relay(Host host, RelayPrivateKey key, LabProcess process) {}

  private final NetLab lab;
  private final Options options;
  private final Path state;
  private final SecureRandom random = new SecureRandom();
  private final Host coordHost;
  private final NatRouter dmz;
  private final Host gatewayHost;
  private final Host apiHost;
  private final Host platformHost;
  private final List<Relay> relays = new ArrayList<>();
  private Path coordinatorConfig;
  private LabProcess coordinator;
  private String coordinatorKey;
  private Path tokenFile;
  private LabProcess api;
  private LabProcess gateway;
  private LabProcess platform;

  private MeshLab(NetLab lab, Options options) {
    this.lab = lab;
    this.options = options;
    this.state = lab.logDirectory().resolve("state");
    this.coordHost = lab.host("coord");
    List<Host> relayHosts = new ArrayList<>();
    for (int i = 1; i <= options.relays(); i++) {
      relayHosts.add(lab.host("relay-" + i));
    }
    this.platformHost = lab.host("platform");
    this.dmz = lab.natRouter("dmz", Firewall.OUTBOUND_ONLY);
    if (options.dmzUdpBlocked()) {
      dmz.faults().blockUdp();
    }
    this.gatewayHost = dmz.host("gateway");
    this.apiHost = dmz.host("api");
    try {
      Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      for (int i = 0; i < relayHosts.size(); i++) {
        RelayPrivateKey key = RelayKeyFiles.loadOrCreate(state.resolve("relay-" + (i + 1)), random).key();
        relays.add(new Relay(relayHosts.get(i), key, null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds the network and starts the coordinator, the relays, the sample API, the gateway and the platform. */
  static MeshLab start(String label, Options options) {
    if (options.relays() < 1 || options.relays() > 2) {
      throw new IllegalArgumentException("1 or 2 relays, not " + options.relays());
    }
    NetLab lab = NetLab.create(label);
    try {
      MeshLab mesh = new MeshLab(lab, options);
      mesh.startAll();
      return mesh;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  private void startAll() {
    String relayMap = relays.stream().map(r -> "{ region = 1, code = \"lab\", host = \"" + ip(r.host()) + "\", port = "
        + RELAY_PORT + ", stun-port = " + STUN_PORT + ", public-key = \"" + r.key().publicKey().toBase64() + "\" }")
        .collect(Collectors.joining(",\n      "));
    coordinatorConfig = write("coordinator.conf", """
        ovsgw {
          role = coordinator
          node { name = "lab-coordinator", state-dir = "%s" }
          coordinator {
            listen-address = "%s"
            listen-port = %d
            admin-listen-port = %d
            relays = [
              %s
            ]
          }
        }
        """.formatted(state.resolve("coordinator"), ip(coordHost), CONTROL_PORT, ADMIN_PORT, relayMap));
    coordinator = coordHost.startJava("coordinator", ovsgw("run", "--config", coordinatorConfig.toString()));
    String token = coordinator.awaitLine("^\\s+(ovsgw-admin-\\S+)$", START).group(1);
    coordinator.awaitLine("coordinator: control protocol on", START);
    tokenFile = writeSecret("admin.token", token + "\n");
    try {
      coordinatorKey = KeyFile.read(state.resolve("coordinator").resolve("coordinator.key"), CoordinatorPrivateKey::parse)
          .publicKey().toBase64();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path policy = write("policy.conf", """
        same-tenant = true
        platform-to-platform = false
        grants = [ { platforms { tenant = oversoc }, gateways { tenant = acme } } ]
        """);
    admin("policy", "set", policy.toString());

    String relayKey = admin("keys", "create", "--tenant", "oversoc", "--role", "relay", "--reusable").strip();
    Path meshKey = options.relays() > 1 ? writeSecret("relay-mesh.key", MeshKey.generate(random).toBase64() + "\n") : null;
    for (int i = 0; i < relays.size(); i++) {
      Relay r = relays.get(i);
      String name = "relay-" + (i + 1);
      String mesh = "";
      if (meshKey != null) {
        String peers = relays.stream().filter(o -> o != r)
            .map(o -> "\"" + o.key().publicKey().toBase64() + "@" + ip(o.host()) + ":" + RELAY_PORT + "\"")
            .collect(Collectors.joining(", "));
        mesh = "mesh { key-file = \"" + meshKey + "\", peers = [" + peers + "] }";
      }
      Path config = write(name + ".conf", """
          ovsgw {
            role = relay
            node { name = "%s", state-dir = "%s" }
            control {
              %s
              auth-key-file = "%s"
            }
            relay {
              listen-address = "%s", listen-port = %d, stun-port = %d
              admission.grace-period = %ds
              %s
            }
          }
          """.formatted(name, state.resolve(name), controlSection(), writeSecret(name + ".auth-key", relayKey + "\n"),
          ip(r.host()), RELAY_PORT, STUN_PORT, options.relayGrace().toSeconds(), mesh));
      relays.set(i, new Relay(r.host(), r.key(), r.host().startJava("relay", ovsgw("run", "--config",
          config.toString()))));
    }
    for (Relay r : relays) {
      r.process().awaitLine("relay \\S+: relay protocol on", START);
    }

    api = apiHost.startJava("api", JavaMain.of(ApiServer.class, ip(apiHost), Integer.toString(API_PORT))
        .withJvmOptions(TOOL_JVM));
    api.awaitLine("listening", START);

    Path gatewayKey = writeSecret("gateway.auth-key",
        admin("keys", "create", "--tenant", "acme", "--role", "gateway").strip() + "\n");
    Path platformKey = writeSecret("platform.auth-key",
        admin("keys", "create", "--tenant", "oversoc", "--role", "platform").strip() + "\n");
    write("gateway.conf", gatewayConfig(gatewayKey));
    gateway = startGateway();
    Path platformConfig = write("platform.conf", """
        ovsgw {
          role = platform
          node { name = "%s", state-dir = "%s" }
          control {
            %s
            auth-key-file = "%s"
          }
          direct { listen-port = %d }
          platform.forwards = [ { listen = "127.0.0.1:%d", gateway = "%s", target = "%s:%d" } ]
        }
        """.formatted(PLATFORM, state.resolve("platform"), controlSection(), platformKey, DIRECT_PORT, FORWARD_PORT,
        GATEWAY, ip(apiHost), API_PORT));
    platform = platformHost.startJava("platform", ovsgw("run", "--config", platformConfig.toString()));
    platform.awaitLine("peer " + GATEWAY + " \\(\\S+\\) added", START);
    gateway.awaitLine("peer " + PLATFORM + " \\(\\S+\\) added", START);
  }

  private String gatewayConfig(Path authKey) {
    return """
        ovsgw {
          role = gateway
          node { name = "%s", state-dir = "%s" }
          control {
            %s
            %s
          }
          direct { listen-port = %d }
          gateway.allowed-targets = ["%s:%d"]
        }
        """.formatted(GATEWAY, state.resolve("gateway"), controlSection(),
        authKey == null ? "" : "auth-key-file = \"" + authKey + "\"", DIRECT_PORT, ip(apiHost), API_PORT);
  }

  private LabProcess startGateway() {
    return gatewayHost.startJava("gateway", ovsgw("run", "--config", state.resolve("gateway.conf").toString()));
  }

  private String controlSection() {
    return "coordinators = [\"" + ip(coordHost) + ":" + CONTROL_PORT + "\"]\n    coordinator-public-key = \""
        + coordinatorKey + "\"";
  }

  // ---- what the tests do ----

  /** Runs {@code ovsgw admin ARGS} on the coordinator's host; its output. */
  String admin(String... args) {
    List<String> all = new ArrayList<>(List.of("admin", "--url", "http://127.0.0.1:" + ADMIN_PORT, "--token-file",
        tokenFile.toString()));
    all.addAll(List.of(args));
    ExecResult r = coordHost.exec(JavaMain.of(Cli.class, all.toArray(String[]::new)).withJvmOptions(TOOL_JVM).command()
        .toArray(String[]::new));
    return r.orThrow().stdout();
  }

  /** Starts a {@link Fetch} of {@code /bytes/N} through the platform's port forward, read at most that fast (0: no limit). */
  LabProcess fetch(long bytes, long bytesPerSecond) {
    return platformHost.startJava("fetch", JavaMain.of(Fetch.class, "http://127.0.0.1:" + FORWARD_PORT + "/bytes/" + bytes,
        Long.toString(bytesPerSecond)).small());
  }

  /** Stops the gateway process and starts it again from its configuration and state directory (already enrolled). */
  LabProcess restartGateway() {
    gateway.stop();
    write("gateway.conf", gatewayConfig(null));
    gateway = startGateway();
    return gateway;
  }

  /** Stops the coordinator: the nodes and relays go on with what they have. */
  void stopCoordinator() {
    coordinator.stop();
  }

  LabProcess gateway() {
    return gateway;
  }

  LabProcess platform() {
    return platform;
  }

  List<Relay> relays() {
    return List.copyOf(relays);
  }

  NatRouter dmz() {
    return dmz;
  }

  /** The platform's address on the lab's internet. */
  String platformPublicIp() {
    return ip(platformHost);
  }

  static String ip(Host host) {
    return host.address().getHostAddress();
  }

  /** The SHA-256 of the sample API's {@code /bytes/n}, in hex, as {@link Fetch} prints it. */
  static String expectedSha256(long n) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      SampleApi.expectedBytes(n, (chunk, len) -> sha.update(chunk, 0, len));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JavaMain ovsgw(String... args) {
    return JavaMain.of(Cli.class, args).withJvmOptions(NODE_JVM);
  }

  private Path write(String name, String content) {
    try {
      return Files.writeString(state.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path writeSecret(String name, String content) {
    try {
      Path file = state.resolve(name);
      Files.deleteIfExists(file);
      return Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    lab.close();
  }
}
