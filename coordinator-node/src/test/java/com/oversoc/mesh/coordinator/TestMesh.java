package com.oversoc.mesh.coordinator;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.actors.control.ControlClientConnection;
import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * A coordinator in a test actor system, with control clients joined to it in process through
 * the real framing and the real client session (only the Noise channel is absent).
 */
public final class TestMesh implements AutoCloseable {
  public static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
  /**
   * Upper bound for "eventually" in tests. Deltas normally arrive within milliseconds; the bound
   * is generous because the build machines are shared and a JVM can stall for seconds.
   */
  public static final Duration PATIENCE = Duration.ofSeconds(60);

  /** Null when the mesh runs in an actor system the test made itself. */
  public final ActorTestKit kit;
  public final org.apache.pekko.actor.typed.ActorSystem<?> system;
  public final TestClock clock;
  public final CoordinatorPrivateKey key;
  public final CoordinatorSettings settings;
  public final SecureRandom random = new SecureRandom();
  public Coordinator coordinator;

  public TestMesh(Database.Settings db, TestClock clock, CoordinatorPrivateKey key, Path stateDir) {
    this(clock, key, settings(stateDir, db));
  }

  public TestMesh(TestClock clock, CoordinatorPrivateKey key, CoordinatorSettings settings) {
    this.kit = ActorTestKit.create();
    this.system = kit.system();
    this.clock = clock;
    this.key = key;
    this.settings = settings;
    this.coordinator = Coordinator.start(system, settings, key, clock, random);
  }

  /** Clients of a coordinator the caller started (and closes) in its own actor system. */
  public TestMesh(org.apache.pekko.actor.typed.ActorSystem<?> system, TestClock clock, CoordinatorPrivateKey key,
      CoordinatorSettings settings, Coordinator coordinator) {
    this.kit = null;
    this.system = system;
    this.clock = clock;
    this.key = key;
    this.settings = settings;
    this.coordinator = coordinator;
  }

  public static TestMesh h2(Path dir) {
    return new TestMesh(Database.Settings.h2File(dir, 8), new TestClock(START),
        CoordinatorPrivateKey.generate(new SecureRandom()), dir);
  }

  /** A mesh whose keepalive, dead-stream and hello timers are short (real time). */
  public static TestMesh h2WithTimers(Path dir, Duration keepalive, Duration dead, Duration hello) {
    CoordinatorSettings s = settings(dir, Database.Settings.h2File(dir, 8));
    return new TestMesh(new TestClock(START), CoordinatorPrivateKey.generate(new SecureRandom()),
        with(s, keepalive, dead, hello, s.maxUnenrolledConnections()));
  }

  /** A mesh that serves at most {@code limit} connections of machines not enrolled. */
  public static TestMesh h2WithUnenrolledLimit(Path dir, int limit) {
    CoordinatorSettings s = settings(dir, Database.Settings.h2File(dir, 8));
    return new TestMesh(new TestClock(START), CoordinatorPrivateKey.generate(new SecureRandom()),
        with(s, s.keepaliveInterval(), s.deadStreamTimeout(), s.helloTimeout(), limit));
  }

  private static CoordinatorSettings with(CoordinatorSettings s, Duration keepalive, Duration dead, Duration hello,
      int maxUnenrolled) {
    return new CoordinatorSettings(s.stateDir(), s.controlAddress(), s.controlPort(), s.adminAddress(), s.adminPort(),
        s.database(), s.maxClockSkew(), s.nodeKeyLifetime(), s.nodeKeyOverlap(), s.ephemeralOfflineTimeout(),
        keepalive, dead, hello, s.sessionQueueSize(), maxUnenrolled, s.ulaPrefix(), s.relayMap(), s.cluster());
  }

  public static RelayMap relayMap() {
    return RelayMap.newBuilder().addRegions(RelayRegion.newBuilder().setRegionId(1).setCode("eu-par")
        .addServers(RelayServer.newBuilder().setHost("relay-1.example.net").setPort(443).setStunPort(3478)
            .setPublicKey(ByteString.copyFrom(RelayPrivateKey.generate(new SecureRandom()).publicKey().bytes()))))
        .build();
  }

  public static CoordinatorSettings settings(Path stateDir, Database.Settings db) {
    return new CoordinatorSettings(stateDir, IpLiteral.parse("127.0.0.1"), 0, IpLiteral.parse("127.0.0.1"), 0, db,
        Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofSeconds(15), Duration.ofSeconds(45), Duration.ofSeconds(10), 1024, 1024, Optional.empty(),
        relayMap(),
        CoordinatorSettings.Cluster.disabled());
  }

  public CoordinatorService service() {
    return coordinator.service();
  }

  /** A new pre-auth key's text. */
  public String key(String tenant, NodeRole role, boolean reusable, boolean ephemeral, String... tags) {
    return service().createPreAuthKey(tenant, role, List.of(tags), reusable, ephemeral, Duration.ofDays(1),
        "test", "admin:test").secretText();
  }

  /** Restarts the coordinator on the same store (a new replica process, the same database). */
  public void restart() {
    coordinator.close();
    coordinator = Coordinator.start(system, settings, key, clock, random);
  }

  public Node connect(String authKey, String name) {
    return connect(MachinePrivateKey.generate(random), NodePrivateKey.generate(random), Optional.ofNullable(authKey),
        name, ControlClientSession.Mode.MESH_NODE, coordinator);
  }

  public Node connect(MachinePrivateKey machine, NodePrivateKey nodeKey, Optional<String> authKey, String name,
      ControlClientSession.Mode mode, Coordinator via) {
    ControlClientSession session = new ControlClientSession(mode, machine.publicKey(), nodeKey, key.publicKey(),
        authKey, name, "test");
    Node n = new Node(machine, session);
    Flow<org.apache.pekko.util.ByteString, org.apache.pekko.util.ByteString, ?> transport = via.connections().flow(machine.publicKey());
    n.connection = ControlClientConnection.open(Materializer.createMaterializer(system), session, transport,
        clock, Duration.ofSeconds(15), (s, m, r) -> {
          n.received.add(m);
          r.error().ifPresent(n.errors::add);
        });
    return n;
  }

  /** One in-process control client and what it has seen. */
  public static final class Node {
    public final MachinePrivateKey machine;
    public final ControlClientSession session;
    public final List<ServerMessage> received = new CopyOnWriteArrayList<>();
    public final List<ControlException> errors = new CopyOnWriteArrayList<>();
    public ControlClientConnection connection;

    Node(MachinePrivateKey machine, ControlClientSession session) {
      this.machine = machine;
      this.session = session;
    }

    public ControlClientSession.State state() {
      synchronized (session) {
        return session.state();
      }
    }

    public PeerMap map() {
      synchronized (session) {
        return session.map().orElseThrow(() -> new AssertionError("no map yet; state " + session.state()));
      }
    }

    public long nodeId() {
      synchronized (session) {
        return session.registration().orElseThrow().getNodeId();
      }
    }

    public void awaitState(ControlClientSession.State s) {
      await(() -> state() == s, "state " + s + " (is " + state() + ", errors " + errors + ")");
    }

    public void awaitMap(Predicate<PeerMap> p, String what) {
      await(() -> {
        synchronized (session) {
          return session.map().map(p::test).orElse(false);
        }
      }, what);
    }

    public ControlException awaitError() {
      await(() -> !errors.isEmpty(), "an error");
      return errors.get(0);
    }

    public void awaitClosed() {
      try {
        connection.closed().toCompletableFuture().handle((d, e) -> null).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        fail("connection did not close: " + e);
      }
    }
  }

  /**
   * Sends raw bytes on a fresh connection and keeps the client's side open, so that only the
   * coordinator can end it; returns every frame the coordinator sent before it did.
   */
  public List<ServerMessage> exchange(org.apache.pekko.util.ByteString raw) throws Exception {
    var flow = coordinator.connections().flow(MachinePrivateKey.generate(random).publicKey());
    List<org.apache.pekko.util.ByteString> out = org.apache.pekko.stream.javadsl.Source.single(raw)
        .concat(org.apache.pekko.stream.javadsl.Source.maybe())
        .via(flow)
        .toMat(org.apache.pekko.stream.javadsl.Sink.seq(), org.apache.pekko.stream.javadsl.Keep.right())
        .run(system)
        .toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    org.apache.pekko.util.ByteString all =
        out.stream().reduce(org.apache.pekko.util.ByteString.emptyByteString(), org.apache.pekko.util.ByteString::concat);
    List<ServerMessage> messages = new java.util.ArrayList<>();
    while (all.size() >= 4) {
      int len = all.iterator().getInt(java.nio.ByteOrder.BIG_ENDIAN);
      messages.add(com.oversoc.mesh.actors.control.ControlFraming.parseServer(all.slice(4, 4 + len)));
      all = all.drop(4 + len);
    }
    org.junit.jupiter.api.Assertions.assertEquals(0, all.size(), "the coordinator sends whole frames");
    return messages;
  }

  public static void await(java.util.function.BooleanSupplier cond, String what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
    assertTrue(cond.getAsBoolean());
  }

  @Override
  public void close() {
    coordinator.close();
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }
}
