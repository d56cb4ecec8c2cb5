package com.oversoc.mesh.node.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.control.AuthKey;
import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.actors.control.ControlClientSettings;
import com.oversoc.mesh.actors.control.TcpControlDialer;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.coordinator.Coordinator;
import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.coordinator.server.ControlListener;
import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import com.oversoc.mesh.relay.RelayNode;
import com.oversoc.mesh.relay.RelaySettings;
import com.oversoc.mesh.relay.admission.ActiveKeySet;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator (in process, embedded H2 in a temporary directory, its control listener on
 * loopback) and a real relay whose admission comes from the coordinator's active-keys feed over
 * TCP and the secure channel; nodes enroll with their own control clients and connect to the
 * relay over TCP. Everything runs on real time, so the bounds are generous where the machine's
 * load decides, and tight only where the design promises something (revocation well under 1 s).
 */
class RelayAdmissionFeedTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Short, so the fail-closed rule shows within the test; the coordinator's keepalives come much more often. */
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Duration COORDINATOR_KEEPALIVE = Duration.ofMillis(250);
  /** The relay's control client retries quickly, so a coordinator that comes back is found at once. */
  private static final ReconnectBackoff.Schedule QUICK =
      new ReconnectBackoff.Schedule(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(10));
  /** Bound for what depends on the machine's load (enrolling, connecting); never what is measured. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  /** The design's promise for a revocation reaching a relay client (ARCHITECTURE.md, Control plane). */
  private static final Duration REVOCATION_BOUND = Duration.ofSeconds(1);

  @TempDir Path dir;
  private ActorSystem<Void> coordinatorSystem;
  private ActorSystem<Void> relaySystem;
  private ActorSystem<Void> nodeSystem;
  private final CoordinatorPrivateKey coordinatorKey = CoordinatorPrivateKey.generate(RANDOM);
  private final RelayPrivateKey relayKey = RelayPrivateKey.generate(RANDOM);
  private CoordinatorSettings coordinatorSettings;
  private Coordinator coordinator;
  private Tcp.ServerBinding control;
  private int controlPort;
  private RelayNode relay;
  private final List<AutoCloseable> closeFirst = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    coordinatorSystem = ActorSystems.create(Behaviors.empty(), "coordinator", ConfigFactory.empty());
    relaySystem = ActorSystems.create(Behaviors.empty(), "relay", ConfigFactory.empty());
    nodeSystem = ActorSystems.create(Behaviors.empty(), "nodes", ConfigFactory.empty());
    RelayMap relayMap = RelayMap.newBuilder().addRegions(RelayRegion.newBuilder().setRegionId(1).setCode("test")
        .addServers(RelayServer.newBuilder().setHost("127.0.0.1").setPort(443).setStunPort(3478)
            .setPublicKey(ByteString.copyFrom(relayKey.publicKey().bytes())))).build();
    coordinatorSettings = new CoordinatorSettings(dir, IpLiteral.parse("127.0.0.1"), 0, IpLiteral.parse("127.0.0.1"), 0,
        Database.Settings.h2File(dir, 8), Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofMinutes(5),
        Duration.ofMinutes(10), COORDINATOR_KEEPALIVE, Duration.ofSeconds(45), Duration.ofSeconds(10), 1024, 1024,
        Optional.empty(), relayMap, CoordinatorSettings.Cluster.disabled());
    startCoordinator(0);
    controlPort = control.localAddress().getPort();

    String relayAuthKey = preAuthKey("oversoc", NodeRole.NODE_ROLE_RELAY);
    ControlClientSettings feed = RelayNode.controlSettings(relayKey, List.of(new Endpoint("127.0.0.1", controlPort)),
            coordinatorKey.publicKey(), MachinePrivateKey.generate(RANDOM), AuthKey.inline(relayAuthKey), "relay-1",
            "test")
        .withBackoff(QUICK, new SplittableRandom(RANDOM.nextLong()));
    RelaySettings relaySettings = RelaySettings.defaults(relayKey, new InetSocketAddress("127.0.0.1", 0))
        .withAdmissionGrace(GRACE);
    relay = RelayNode.start(relaySystem, new RelayNode.Settings(relaySettings, new InetSocketAddress("127.0.0.1", 0),
            Optional.empty(), new RelayNode.FromCoordinator(feed, Optional.empty()), "test"),
            new ActiveKeySet(SystemClocks.MONOTONIC, SystemClocks.WALL), SystemClocks.MONOTONIC)
        .toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    await(() -> relay.control().orElseThrow().state() == ControlClient.State.STREAMING, "the relay streams its feed");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeFirst) {
      c.close();
    }
    relay.stop().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    stopCoordinator();
    for (ActorSystem<Void> s : List.of(nodeSystem, relaySystem, coordinatorSystem)) {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private void startCoordinator(int port) throws Exception {
    coordinator = Coordinator.start(coordinatorSystem, coordinatorSettings, coordinatorKey, SystemClocks.WALL, RANDOM);
    control = ControlListener.bind(coordinatorSystem, "127.0.0.1", port, java.util.Optional.empty(), coordinatorKey,
        SecureChannel.Settings.defaults(), coordinator.connections()).toCompletableFuture()
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  /** The coordinator goes away: no listener, its connections closed, its store closed. */
  private void stopCoordinator() throws Exception {
    if (coordinator != null) {
      control.unbind().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      coordinator.close();
      coordinator = null;
    }
  }

  private String preAuthKey(String tenant, NodeRole role) {
    return coordinator.service().createPreAuthKey(tenant, role, List.of(), false, false, Duration.ofHours(1), "test",
        "admin:test").secretText();
  }

  /** A gateway that enrolled with the coordinator over TCP, with the relay client it uses. */
  private final class Gateway implements RelayClient.Listener {
    final MachinePrivateKey machine = MachinePrivateKey.generate(RANDOM);
    final NodePrivateKey key = NodePrivateKey.generate(RANDOM);
    final ControlClient control;
    final List<CloseReason> refusals = new CopyOnWriteArrayList<>();
    final List<byte[]> packets = new CopyOnWriteArrayList<>();
    final AtomicInteger admissions = new AtomicInteger();
    /** When the relay last dropped this client, in System.nanoTime. */
    final AtomicLong droppedAtNanos = new AtomicLong();
    RelayClient relayClient;

    Gateway(String name) {
      control = ControlClient.start(nodeSystem, name, ControlClientSettings.defaults(
              ControlClientSession.Mode.MESH_NODE, List.of(new Endpoint("127.0.0.1", controlPort)),
              coordinatorKey.publicKey(), machine, key, AuthKey.inline(preAuthKey("acme", NodeRole.NODE_ROLE_GATEWAY)),
              name, "test").withBackoff(QUICK, new SplittableRandom(RANDOM.nextLong())),
          new TcpControlDialer(nodeSystem, machine, coordinatorKey.publicKey(), SecureChannel.Settings.defaults(), java.util.Optional.empty()),
          new ControlClient.Listener() {});
      closeFirst.add(control);
      await(() -> control.state() == ControlClient.State.STREAMING, name + " enrolled and streaming its map");
    }

    long nodeId() {
      return coordinator.service().store().nodeByMachineKey(machine.publicKey()).orElseThrow().nodeId();
    }

    RelayClient connect() {
      relayClient = RelayClient.start(nodeSystem, "relay-" + key.publicKey().shortString().replace('/', '_'),
          RelayClientSettings.node(true),
          new TcpRelayDialer(nodeSystem, new Endpoint("127.0.0.1", relay.relayAddress().getPort()), Optional.empty(),
              key, relayKey.publicKey(), SecureChannel.Settings.defaults()), this);
      closeFirst.add(0, relayClient);
      return relayClient;
    }

    boolean connected() {
      return relayClient.state() == RelayClient.State.CONNECTED;
    }

    @Override
    public void onPacket(NodePublicKey source, byte[] packet) {
      packets.add(packet);
    }

    @Override
    public void onStateChanged(RelayClient.State state, Optional<CloseReason> refusal, String detail) {
      if (state == RelayClient.State.CONNECTED) {
        admissions.incrementAndGet();
      }
      if (state == RelayClient.State.BACKING_OFF && admissions.get() > 0 && droppedAtNanos.get() == 0) {
        droppedAtNanos.set(System.nanoTime());
      }
      refusal.ifPresent(refusals::add);
    }
  }

  @Test
  void anEnrolledNodesKeyIsAdmittedAndAnUnknownKeyIsRefusedAsNotEnrolled() {
    Gateway gw = new Gateway("gw-1");
    gw.connect();
    await(gw::connected, "the enrolled gateway is admitted");

    List<CloseReason> strangerSaw = new CopyOnWriteArrayList<>();
    RelayClient stranger = RelayClient.start(nodeSystem, "stranger", RelayClientSettings.node(true),
        new TcpRelayDialer(nodeSystem, new Endpoint("127.0.0.1", relay.relayAddress().getPort()), Optional.empty(),
            NodePrivateKey.generate(RANDOM), relayKey.publicKey(), SecureChannel.Settings.defaults()),
        new RelayClient.Listener() {
          @Override
          public void onPacket(NodePublicKey source, byte[] packet) {}

          @Override
          public void onStateChanged(RelayClient.State state, Optional<CloseReason> refusal, String detail) {
            refusal.ifPresent(strangerSaw::add);
          }
        });
    closeFirst.add(0, stranger);
    await(() -> !strangerSaw.isEmpty(), "the stranger is refused");
    assertEquals(CloseReason.NOT_ENROLLED, strangerSaw.get(0));
    assertNotEquals(RelayClient.State.CONNECTED, stranger.state());
    assertTrue(gw.connected(), "the enrolled gateway is unaffected");
  }

  @Test
  void revokingANodeDisconnectsItsRelayClientWellUnderASecondAndItsReconnectIsRefusedAsRevoked() throws Exception {
    Gateway gw = new Gateway("gw-1");
    Gateway other = new Gateway("gw-2");
    gw.connect();
    other.connect();
    await(() -> gw.connected() && other.connected(), "both gateways admitted");

    assertTrue(coordinator.service().revokeNode(gw.nodeId(), "compromised", "admin:test"));
    long revokedAt = System.nanoTime();
    await(() -> gw.droppedAtNanos.get() != 0, "the relay drops the revoked gateway");
    Duration latency = Duration.ofNanos(gw.droppedAtNanos.get() - revokedAt);
    System.out.println("revoke -> relay client disconnected: " + latency.toMillis() + " ms");
    assertTrue(latency.compareTo(REVOCATION_BOUND) < 0, "revocation reached the relay client in " + latency);
    assertEquals(CloseReason.REVOKED, gw.refusals.get(0), "the relay says why");

    await(() -> gw.refusals.size() >= 2, "the client tries again and is refused in the handshake");
    assertEquals(List.of(CloseReason.REVOKED, CloseReason.REVOKED), gw.refusals.subList(0, 2));
    assertEquals(1, gw.admissions.get(), "never admitted again");
    assertEquals(ControlClient.Stopped.Reason.REVOKED,
        gw.control.stopped().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS).reason(),
        "its control client was told too, and stopped");
    assertTrue(other.connected() && other.admissions.get() == 1, "the other gateway is unaffected");
  }

  @Test
  void withoutItsCoordinatorTheRelayKeepsItsClientsRefusesNewOnesAfterTheGracePeriodAndAdmitsAgainOnceItIsBack()
      throws Exception {
    Gateway a = new Gateway("gw-a");
    Gateway b = new Gateway("gw-b");
    Gateway late = new Gateway("gw-late"); // enrolled, but connects to the relay only during the outage
    a.connect();
    b.connect();
    await(() -> a.connected() && b.connected(), "two gateways admitted");

    stopCoordinator();
    long stoppedAt = System.nanoTime();
    await(() -> relay.control().orElseThrow().state() != ControlClient.State.STREAMING,
        "the relay's control client notices the coordinator is gone");
    long graceOverAt = stoppedAt + GRACE.plusMillis(500).toNanos();
    while (System.nanoTime() < graceOverAt) {
      Thread.sleep(50);
    }

    // Past the grace period: the connected clients stay and still reach each other ...
    a.relayClient.send(b.key.publicKey(), new byte[] {4, 2});
    await(() -> b.packets.size() == 1, "a packet between clients that were already connected");
    assertArrayEquals(new byte[] {4, 2}, b.packets.get(0));
    // ... but a new client is refused, even one the last view lists.
    late.connect();
    await(() -> !late.refusals.isEmpty(), "the late gateway is refused");
    assertEquals(CloseReason.ADMISSION_UNAVAILABLE, late.refusals.get(0));
    assertTrue(!late.connected());

    startCoordinator(controlPort);
    long backAt = System.nanoTime();
    await(() -> relay.control().orElseThrow().state() == ControlClient.State.STREAMING,
        "the relay's control client reconnects");
    long feedBackMs = Duration.ofNanos(System.nanoTime() - backAt).toMillis();
    await(late::connected, "the late gateway is admitted once the feed is back");
    System.out.println("coordinator back -> relay streaming its feed: " + feedBackMs + " ms; -> late client admitted: "
        + Duration.ofNanos(System.nanoTime() - backAt).toMillis() + " ms");
    assertTrue(late.refusals.stream().allMatch(r -> r == CloseReason.ADMISSION_UNAVAILABLE), late.refusals.toString());
    assertEquals(1, a.admissions.get(), "the first gateway was never dropped");
    assertEquals(1, b.admissions.get(), "nor the second");
    assertTrue(a.connected() && b.connected());
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + PATIENCE.toSeconds() + " s waiting for: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }
}
