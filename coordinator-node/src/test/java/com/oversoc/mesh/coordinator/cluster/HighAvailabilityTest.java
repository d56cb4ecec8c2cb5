package com.oversoc.mesh.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.control.AuthKey;
import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.actors.control.ControlClientSettings;
import com.oversoc.mesh.actors.control.ControlDialer;
import com.oversoc.mesh.coordinator.Coordinator;
import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.coordinator.TestClock;
import com.oversoc.mesh.coordinator.TestMesh;
import com.oversoc.mesh.coordinator.TestMesh.Node;
import com.oversoc.mesh.coordinator.mesh.MeshChange;
import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.coordinator.store.TestDatabases;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.ControlClientSession.State;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator replicas on loopback sharing one PostgreSQL, formed into a Pekko cluster:
 * a revocation made through one reaches a node connected to the other in under a second, and
 * when a replica dies a node's control client, configured with both, moves to the survivor by
 * itself and finds everything there.
 */
class HighAvailabilityTest {
  @TempDir Path dir;
  final SecureRandom random = new SecureRandom();
  final TestClock clock = new TestClock(TestMesh.START);
  final CoordinatorPrivateKey key = CoordinatorPrivateKey.generate(random);
  Database.Settings db;
  ActorSystem<Void> systemA;
  ActorSystem<Void> systemB;
  /** The nodes' own process: it outlives the replicas. */
  ActorSystem<Void> systemClients;
  Coordinator a;
  Coordinator b;
  TestMesh clients;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  ActorSystem<Void> replica(int port, int seedPort) {
    CoordinatorSettings.Cluster cluster = new CoordinatorSettings.Cluster(true, IpLiteral.parse("127.0.0.1"), port,
        List.of("127.0.0.1:" + seedPort));
    // Two cluster members in one JVM need their own JMX names (production runs one per process);
    // a shared build machine can stall the JVM for seconds, which must not read as a dead member.
    return ActorSystems.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME,
        com.typesafe.config.ConfigFactory.parseString("""
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.failure-detector.acceptable-heartbeat-pause = 60s
            """).withFallback(ClusterConfig.pekko(cluster)));
  }

  @BeforeEach
  void start() throws Exception {
    db = TestDatabases.freshPostgresSchema(8);
    int portA = freePort();
    int portB = freePort();
    systemA = replica(portA, portA);
    systemB = replica(portB, portA);
    CoordinatorSettings settings = TestMesh.settings(dir, db);
    a = Coordinator.start(systemA, settings, key, clock, random);
    b = Coordinator.start(systemB, settings, key, clock, random);
    TestMesh.await(() -> Cluster.get(systemA).state().getMembers().spliterator().estimateSize() == 2
        && allUp(systemA) && allUp(systemB), "both replicas Up in one cluster");
    TestMesh.await(() -> topicInstances(b) == 2 && topicInstances(a) == 2, "the change topic spans both replicas");
    systemClients = ActorSystems.create(Behaviors.empty(), "nodes", com.typesafe.config.ConfigFactory.empty());
    clients = new TestMesh(systemClients, clock, key, settings, a);
  }

  static boolean allUp(ActorSystem<?> s) {
    var members = Cluster.get(s).state().getMembers();
    long up = 0;
    long all = 0;
    for (var m : members) {
      all++;
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return all == 2 && up == 2;
  }

  int topicInstances(Coordinator c) {
    try {
      Topic.TopicStats stats = AskPattern.<Topic.Command<MeshChange>, Topic.TopicStats>ask(c.topic(),
          Topic::getTopicStats, Duration.ofSeconds(3), systemA.scheduler()).toCompletableFuture().get(5, TimeUnit.SECONDS);
      return stats.topicInstanceCount();
    } catch (Exception e) {
      return -1;
    }
  }

  @AfterEach
  void stop() {
    for (ActorSystem<?> s : new ActorSystem<?>[] {systemClients, systemA, systemB}) {
      if (s != null) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().join();
      }
    }
    for (Coordinator c : new Coordinator[] {a, b}) {
      if (c != null) {
        c.close();
      }
    }
    if (db != null) {
      TestDatabases.dropSchema(db);
    }
  }

  @Test
  void aRevocationThroughOneReplicaReachesANodeOnTheOtherAndADeadReplicasNodesMove() throws Exception {
    // The gateway runs the node's real control client, which knows both replicas and starts on A.
    MachinePrivateKey gwMachine = MachinePrivateKey.generate(random);
    AtomicReference<PeerMap> gwMap = new AtomicReference<>();
    AtomicReference<Long> gwNodeId = new AtomicReference<>();
    ControlDialer replicas = at -> (at.host().equals("replica-a") ? a : b).connections().flow(gwMachine.publicKey());
    ControlClient gw = ControlClient.start(systemClients, "gw", ControlClientSettings.defaults(
            ControlClientSession.Mode.MESH_NODE, List.of(new Endpoint("replica-a", 8443), new Endpoint("replica-b", 8443)),
            key.publicKey(), gwMachine, NodePrivateKey.generate(random),
            AuthKey.inline(clients.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false)), "gw", "test")
        .withClocks(SystemClocks.MONOTONIC, clock), replicas, new ControlClient.Listener() {
          @Override
          public void onMessage(ControlClientSession session, ServerMessage message, ControlClientSession.Reaction r) {
            synchronized (session) {
              session.map().ifPresent(gwMap::set);
              session.registration().ifPresent(reg -> gwNodeId.set(reg.getNodeId()));
            }
          }
        });
    try {
      Node pf1 = clients.connect(clients.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false), "pf1");
      Node pf2 = clients.connect(clients.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false), "pf2");
      for (Node n : List.of(pf1, pf2)) {
        n.awaitState(State.STREAMING);
      }
      TestMesh.await(() -> gwMap.get() != null && gwMap.get().peers().size() == 2,
          "the gateway on replica A sees both platforms");

      long start = System.nanoTime();
      assertTrue(b.service().revokeNode(pf1.nodeId(), "revoked through replica B", "admin:test"));
      TestMesh.await(() -> !gwMap.get().peers().containsKey(pf1.nodeId()), "revocation crossed the cluster");
      long micros = (System.nanoTime() - start) / 1000;
      pf1.awaitState(State.REVOKED);
      System.out.println("HA: revocation through replica B applied by a node on replica A after " + micros + " us");
      assertTrue(micros < 1_000_000, "a revocation through replica B took " + micros + " us to reach replica A's node");

      // Replica A dies; the gateway's client moves to B on its own, with its machine key, and
      // finds everything there: the same node, the peers the policy allows.
      long before = gwNodeId.get();
      PeerMap onA = gwMap.get();
      long killed = System.nanoTime();
      systemA.terminate();
      systemA.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      TestMesh.await(() -> gwMap.get() != onA && gw.state() == ControlClient.State.STREAMING,
          "the gateway streams from replica B");
      System.out.println("HA: replica A stopped; the gateway streamed from replica B after "
          + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms");
      assertEquals(before, gwNodeId.get(), "the same node, no re-enrollment");
      assertEquals(List.of(pf2.nodeId()), List.copyOf(gwMap.get().peers().keySet()));
    } finally {
      gw.close();
    }
  }
}
