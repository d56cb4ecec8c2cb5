package com.oversoc.mesh.node.role;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.channel.TlsContexts;
import com.oversoc.mesh.actors.control.AuthKey;
import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.actors.control.ControlClientSettings;
import com.oversoc.mesh.actors.control.MachineKeyFile;
import com.oversoc.mesh.actors.control.NodeKeyFile;
import com.oversoc.mesh.actors.control.PeerMapCache;
import com.oversoc.mesh.actors.control.TcpControlDialer;
import com.oversoc.mesh.actors.edge.AllowedTargets;
import com.oversoc.mesh.actors.edge.PortForward;
import com.oversoc.mesh.actors.edge.TargetDialer;
import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.actors.mesh.MeshDataPlane;
import com.oversoc.mesh.actors.netcheck.NetcheckClient;
import com.oversoc.mesh.actors.path.PathAddress;
import com.oversoc.mesh.actors.path.RelayDatagramPort;
import com.oversoc.mesh.actors.path.RotatingRelayDialer;
import com.oversoc.mesh.actors.path.UdpDatagramPort;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.RelayDialer;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.actors.transport.IncomingStream;
import com.oversoc.mesh.node.cli.BuildInfo;
import com.oversoc.mesh.node.cli.ExitCodes;
import com.oversoc.mesh.node.config.NodeConfig;
import com.oversoc.mesh.node.config.Role;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.netcheck.Report;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a gateway or a platform node: its keys (machine key and node key in the state directory,
 * 0600, made on the first start), the UDP socket and the relay paths, the data plane, the control
 * client (enrolling on the first start, then streaming the peer map), and the role's edge: a
 * gateway dials the targets its configuration allows, a platform serves its port forwards.
 *
 * <p>The peer map is cached on disk after every change and applied at start before the
 * coordinator answers, so the node keeps serving its peers while the coordinator is down, also
 * across its own restart. A node the coordinator revokes drops every peer, deletes the cache and
 * stops (exit code 1).
 */
public final class MeshNodeLauncher implements RoleLauncher {
  /** How long binding sockets and port forwards may take. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(MeshNodeLauncher.class);

  /** A started node, for tests and the local mesh: its data plane and control client. */
  public interface Node extends Running {
    MeshDataPlane dataPlane();

    ControlClient control();

    UdpDatagramPort udp();

    NetcheckClient netcheck();

    List<PortForward> forwards();
  }

  @Override
  public Node start(NodeConfig config) throws Exception {
    Role role = config.role();
    if (role != Role.GATEWAY && role != Role.PLATFORM) {
      throw new IllegalArgumentException("a mesh node is a gateway or a platform, not " + role);
    }
    SecureRandom random = new SecureRandom();
    KeyFile.Loaded<MachinePrivateKey> machine = MachineKeyFile.loadOrCreate(config.node().stateDir(), random);
    NodeKeyFile nodeKeyFile = new NodeKeyFile(config.node().stateDir());
    KeyFile.Loaded<NodePrivateKey> nodeKey = nodeKeyFile.loadOrCreate(random);
    PeerMapCache cache = new PeerMapCache(config.node().stateDir());
    String name = config.node().name().orElse(role.configName());

    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "ovsgw-" + role.configName(), config.pekko());
    try {
      return start(config, role, name, system, random, machine.key(), nodeKeyFile, nodeKey.key(), cache);
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  private Node start(NodeConfig config, Role role, String name, ActorSystem<Void> system, SecureRandom random,
      MachinePrivateKey machineKey, NodeKeyFile nodeKeyFile, NodePrivateKey initialNodeKey, PeerMapCache cache)
      throws Exception {
    // The relays take the node key at each connection: after a rotation they reconnect with the new one.
    AtomicReference<NodePrivateKey> nodeKey = new AtomicReference<>(initialNodeKey);
    UdpDatagramPort udp = UdpDatagramPort.bind(
        new InetSocketAddress(config.direct().address().toInetAddress(), config.direct().port()), name);
    AtomicReference<RelayMap> relayMap = new AtomicReference<>(RelayMap.getDefaultInstance());
    // What the node's TLS connections trust: coordinators with ovsgw.control.tls, relays the map marks tls = true.
    SSLContext tls = TlsContexts.clientContext(config.control().trustedCertificates());
    RelayDatagramPort relays = new RelayDatagramPort((region, home, listener) ->
        relayClient(system, relayMap.get(), region, home, nodeKey.get(), tls, random, listener));

    MeshDataPlane.Side side = role == Role.GATEWAY ? MeshDataPlane.Side.GATEWAY : MeshDataPlane.Side.PLATFORM;
    Consumer<IncomingStream> incoming;
    if (side == MeshDataPlane.Side.GATEWAY) {
      NodeConfig.GatewaySettings g = config.gateway();
      TargetDialer dialer = new TargetDialer(system, new AllowedTargets(g.allowedTargets()), g.connectTimeout());
      incoming = dialer::handle;
    } else {
      incoming = s -> s.reject(StreamOpenResult.WRONG_DIRECTION);
    }
    MeshDataPlane plane = new MeshDataPlane(system, side, initialNodeKey, List.of(udp, relays), TransportConfig.defaults(),
        incoming, SystemClocks.MONOTONIC, SystemClocks.WALL, random, name);

    EndpointReporter reporter = new EndpointReporter(localEndpoints(udp.localAddress()));
    // Set before any report can come: the netcheck runs its first round on the first map the applier gives it.
    AtomicReference<MapApplier> applierRef = new AtomicReference<>();
    NetcheckClient netcheck = NetcheckClient.start(system, name, udp, report -> applierRef.get().apply(report));
    MapApplier applier = new MapApplier(plane, relays, relayMap, cache, netcheck, reporter);
    applierRef.set(applier);
    try {
      cache.load().ifPresent(map -> {
        LOG.info("serving {} peers from the cached map until the coordinator answers", map.peers().size());
        applier.apply(map, false);
      });
    } catch (IOException e) {
      LOG.warn("ignoring the cached peer map: {}", e.getMessage());
    }

    NodeConfig.ControlSettings c = config.control();
    AuthKey authKey = c.authKey().map(s -> AuthKey.inline(s.reveal()))
        .or(() -> c.authKeyFile().map(AuthKey::file))
        .orElse(AuthKey.none());
    ControlClientSettings settings = ControlClientSettings.defaults(ControlClientSession.Mode.MESH_NODE,
        c.coordinators(), c.coordinatorKey().orElseThrow(), machineKey, initialNodeKey, authKey, name,
        "ovsgw " + BuildInfo.version()).withRotation(nodeKeyFile.rotation((next, previousValidUntil) -> {
          nodeKey.set(next);
          plane.rotateLocalKey(next, previousValidUntil);
          // Peers address this node on the relays by its new key from now on.
          relays.reset();
        }));
    ControlClient control = ControlClient.start(system, name, settings,
        new TcpControlDialer(system, machineKey, c.coordinatorKey().orElseThrow(), SecureChannel.Settings.defaults(),
            c.tls() ? Optional.of(tls) : Optional.empty()),
        new ControlClient.Listener() {
          @Override
          public void onMessage(ControlClientSession session, com.oversoc.mesh.protocol.control.pb.ServerMessage message,
              ControlClientSession.Reaction reaction) {
            if (!message.hasMap()) {
              return;
            }
            Optional<PeerMap> map;
            synchronized (session) {
              map = session.map();
            }
            map.ifPresent(m -> applier.apply(m, true));
          }
        });
    reporter.attach(control::updateEndpoints);

    List<PortForward> forwards = new ArrayList<>();
    for (NodeConfig.PortForwardSpec f : config.platform().forwards()) {
      if (side != MeshDataPlane.Side.PLATFORM) {
        break;
      }
      String target = f.target() + ":" + f.targetPort();
      forwards.add(PortForward.bind(system, f.listen(), () -> plane.openStream(f.gateway(), f.target(), f.targetPort()),
          f.gateway() + " " + target).toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }
    LOG.info("{} {}: node key {}, UDP {}, coordinators {}", role.configName(), name,
        initialNodeKey.publicKey().toBase64(), udp.localAddress(), c.coordinators());

    CompletableFuture<Integer> exit = new CompletableFuture<>();
    system.getWhenTerminated().thenRun(() -> exit.complete(ExitCodes.OK));
    control.stopped().thenAccept(s -> {
      if (s.reason() == ControlClient.Stopped.Reason.CLOSED) {
        return;
      }
      LOG.error("{} stops: {}", role.configName(), s.detail());
      plane.apply(List.of());
      if (s.reason() == ControlClient.Stopped.Reason.REVOKED) {
        try {
          cache.delete();
        } catch (IOException e) {
          LOG.warn("could not delete the cached peer map {}: {}", cache.file(), e.toString());
        }
      }
      exit.complete(ExitCodes.FAILURE);
    });
    return new Node() {
      @Override
      public CompletionStage<Integer> terminated() {
        return exit;
      }

      @Override
      public MeshDataPlane dataPlane() {
        return plane;
      }

      @Override
      public ControlClient control() {
        return control;
      }

      @Override
      public UdpDatagramPort udp() {
        return udp;
      }

      @Override
      public NetcheckClient netcheck() {
        return netcheck;
      }

      @Override
      public List<PortForward> forwards() {
        return List.copyOf(forwards);
      }

      @Override
      public void close() {
        LOG.info("{} {} stopping: {} handshake initiations sent since it started", role.configName(), name,
            plane.handshakesInitiated());
        forwards.forEach(PortForward::close);
        netcheck.close();
        control.close();
        plane.close();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
      }
    };
  }

  /**
   * Turns each peer map into the data plane's peers and the relay map, and each netcheck report
   * into the home relay and the endpoints the coordinator is told; caches the map. Until the first
   * netcheck round of a relay map ends, a home the map no longer has is replaced by the map's
   * first region with a server, so the node is reachable through a relay from the start.
   */
  private static final class MapApplier {
    private final MeshDataPlane plane;
    private final RelayDatagramPort relays;
    private final AtomicReference<RelayMap> relayMap;
    private final PeerMapCache cache;
    private final NetcheckClient netcheck;
    private final EndpointReporter reporter;
    private Report lastReport;

    MapApplier(MeshDataPlane plane, RelayDatagramPort relays, AtomicReference<RelayMap> relayMap, PeerMapCache cache,
        NetcheckClient netcheck, EndpointReporter reporter) {
      this.plane = plane;
      this.relays = relays;
      this.relayMap = relayMap;
      this.cache = cache;
      this.netcheck = netcheck;
      this.reporter = reporter;
    }

    synchronized void apply(PeerMap map, boolean save) {
      if (!map.relayMap().equals(relayMap.getAndSet(map.relayMap()))) {
        relays.reset();
      }
      netcheck.relayMapChanged(map.relayMap());
      if (!hasServers(map.relayMap(), relays.home())) {
        map.relayMap().getRegionsList().stream().filter(r -> r.getServersCount() > 0).findFirst()
            .ifPresent(r -> relays.setHome(r.getRegionId()));
      }
      reporter.home(reportedHome());
      List<MeshDataPlane.PeerInfo> peers = new ArrayList<>();
      for (var p : map.peers().values()) {
        NodePublicKey key = PeerMap.nodeKey(p);
        List<PathAddress> direct = new ArrayList<>();
        for (IpEndpoint e : p.getEndpointsList()) {
          try {
            direct.add(new PathAddress.Direct(new InetSocketAddress(InetAddress.getByAddress(e.getIp().toByteArray()),
                e.getPort())));
          } catch (UnknownHostException ex) {
            LOG.debug("peer {}: endpoint of {} bytes skipped", p.getName(), e.getIp().size());
          }
        }
        boolean relayKnown = map.relayMap().getRegionsList().stream().anyMatch(r -> r.getRegionId() == p.getHomeRelay());
        Optional<PathAddress> relay = p.getHomeRelay() > 0 && relayKnown
            ? Optional.of(new PathAddress.Relayed(p.getHomeRelay(), key)) : Optional.empty();
        Optional<MeshDataPlane.PreviousKey> previous = PeerMap.previousNodeKey(p)
            .map(k -> new MeshDataPlane.PreviousKey(k, Instant.ofEpochMilli(p.getPreviousKeyValidUntilUnixMs())));
        peers.add(new MeshDataPlane.PeerInfo(p.getNodeId(), key, previous, p.getName(), direct, relay));
      }
      plane.apply(peers);
      if (save) {
        try {
          cache.save(map);
        } catch (IOException e) {
          LOG.warn("could not cache the peer map in {}: {}", cache.file(), e.toString());
        }
      }
    }

    /** A netcheck round ended: its home relay and public endpoints take effect. */
    synchronized void apply(Report report) {
      // In full when something an operator acts on changed, else only at debug: a round runs every 30 s.
      boolean news = lastReport == null || lastReport.udp() != report.udp()
          || !lastReport.mappedEndpoints().equals(report.mappedEndpoints()) || !lastReport.home().equals(report.home());
      lastReport = report;
      if (news) {
        LOG.info("netcheck: {}", report.summary());
      } else {
        LOG.debug("netcheck: {}", report.summary());
      }
      // A report can be of the map before the current one (the round ended as the map changed).
      report.home().map(Report.Home::region).filter(h -> hasServers(relayMap.get(), h) && h != relays.home())
          .ifPresent(relays::setHome);
      reporter.mapped(report.mappedEndpoints());
      reporter.home(reportedHome());
    }

    /** The home region to tell the coordinator: 0 (none) while the current map has no region with a server. */
    private int reportedHome() {
      return hasServers(relayMap.get(), relays.home()) ? relays.home() : 0;
    }

    private static boolean hasServers(RelayMap map, int region) {
      return map.getRegionsList().stream().anyMatch(r -> r.getRegionId() == region && r.getServersCount() > 0);
    }
  }

  /** The client for one relay region: its servers in turn, each pinned by its key from the relay map. */
  private static Optional<RelayClient> relayClient(ActorSystem<?> system, RelayMap map, int region, boolean home,
      NodePrivateKey nodeKey, SSLContext tls, SecureRandom random, RelayClient.Listener listener) {
    Optional<RelayRegion> r = map.getRegionsList().stream().filter(x -> x.getRegionId() == region).findFirst();
    if (r.isEmpty() || r.get().getServersCount() == 0) {
      return Optional.empty();
    }
    List<RelayDialer> dialers = new ArrayList<>();
    for (RelayServer s : r.get().getServersList()) {
      dialers.add(new TcpRelayDialer(system, new Endpoint(s.getHost(), s.getPort()),
          s.getTls() ? Optional.of(tls) : Optional.empty(), nodeKey,
          new RelayPublicKey(s.getPublicKey().toByteArray()), SecureChannel.Settings.defaults()));
    }
    return Optional.of(RelayClient.start(system, "relay-" + region + "-" + System.nanoTime(),
        RelayClientSettings.node(home), new RotatingRelayDialer(dialers, random.nextInt(dialers.size())), listener));
  }

  /**
   * The endpoints this node reports: the bound address, or every address of every interface that
   * is up when bound to the wildcard (loopback only if there is nothing else).
   */
  static List<IpEndpoint> localEndpoints(InetSocketAddress bound) {
    List<InetAddress> addresses = new ArrayList<>();
    if (!bound.getAddress().isAnyLocalAddress()) {
      addresses.add(bound.getAddress());
    } else {
      List<InetAddress> loopback = new ArrayList<>();
      try {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          if (!nic.isUp()) {
            continue;
          }
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (a.isLinkLocalAddress() || (bound.getAddress() instanceof Inet4Address) != (a instanceof Inet4Address)) {
              continue;
            }
            (a.isLoopbackAddress() ? loopback : addresses).add(a);
          }
        }
      } catch (SocketException e) {
        LOG.warn("cannot list network interfaces: {}", e.toString());
      }
      if (addresses.isEmpty()) {
        addresses.addAll(loopback);
      }
    }
    return addresses.stream()
        .map(a -> IpEndpoint.newBuilder().setIp(ByteString.copyFrom(a.getAddress())).setPort(bound.getPort()).build())
        .toList();
  }
}
