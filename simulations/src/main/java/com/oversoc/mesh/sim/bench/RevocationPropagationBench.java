package com.oversoc.mesh.sim.bench;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.control.ControlClientConnection;
import com.oversoc.mesh.actors.control.ControlFraming;
import com.oversoc.mesh.coordinator.Coordinator;
import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.PeerChange;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.LoggerFactory;

/**
 * Revocation propagation: N in-process control clients on one coordinator (H2 store, the
 * default), revoke one platform node, and time from the revocation's commit until each
 * affected client has applied the delta that removes it.
 *
 * <p>Each client is a real {@link ControlClientSession} (enrollment with a pre-auth key and
 * possession proof, the peer-map reducer) behind the real control framing, joined in process to
 * the coordinator's per-connection flow: everything a node runs except the socket and the
 * Noise channel under the plaintext bytes.
 *
 * <p>Topology: P platform nodes of the vendor tenant, granted to T customer tenants; the other
 * N - P clients are gateways spread over those tenants. Each gateway's map holds the P platforms;
 * revoking one platform affects every gateway.
 *
 * <p>Reference, same run, same machine: the same fan-out of one pre-built peer-removal frame
 * from one thread into N in-process connections through the same framing, decoder and reducer,
 * with no coordinator (no store, no policy, no per-session diff). The ratio says what the
 * coordinator adds on top of merely delivering the bytes.
 *
 * <pre>./bench --main RevocationPropagationBench [clients] [rounds]</pre>
 *
 * Each side first runs unmeasured ({@link #WARMUP_ROUNDS} revocations, one reference fan-out)
 * so that both are measured with a warm JIT.
 */
public final class RevocationPropagationBench {
  static final int DEFAULT_CLIENTS = 10_000;
  static final int DEFAULT_ROUNDS = 10;
  /** Revocations before the measured ones, so that both sides are measured with a warm JIT. */
  static final int WARMUP_ROUNDS = 2;
  static final int PLATFORMS = 20;
  static final int TENANTS = 100;
  /** Clients enrolling at once while the mesh is built. */
  static final int CONNECT_PARALLELISM = 64;
  static final Duration PATIENCE = Duration.ofMinutes(5);

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CLIENTS;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_ROUNDS;
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path dir = Files.createTempDirectory("ovsgw-revocation-bench");
    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "bench", ConfigFactory.parseString(
        "pekko.loglevel = WARNING"));
    try {
      new RevocationPropagationBench(system, dir, n, rounds).run();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  private final ActorSystem<Void> system;
  private final Materializer mat;
  private final Path dir;
  private final int n;
  private final int rounds;
  private final SecureRandom random = new SecureRandom();
  private final CoordinatorPrivateKey key = CoordinatorPrivateKey.generate(random);

  RevocationPropagationBench(ActorSystem<Void> system, Path dir, int n, int rounds) {
    this.system = system;
    this.mat = Materializer.createMaterializer(system);
    this.dir = dir;
    this.n = n;
    this.rounds = rounds;
  }

  /** One client: the time it applied the removal of the platform being revoked this round. */
  static final class Client {
    final ControlClientSession session;
    final AtomicLong appliedAt = new AtomicLong();
    volatile long watching;

    Client(ControlClientSession session) {
      this.session = session;
    }
  }

  void run() throws Exception {
    CoordinatorSettings settings = new CoordinatorSettings(dir, IpLiteral.parse("127.0.0.1"), 0,
        IpLiteral.parse("127.0.0.1"), 0, Database.Settings.h2File(dir, 16), Duration.ofMinutes(5),
        Duration.ofDays(30), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(15),
        Duration.ofSeconds(45), Duration.ofSeconds(30), 1024, 1024, Optional.empty(), RelayMap.getDefaultInstance(),
        CoordinatorSettings.Cluster.disabled());
    Coordinator coordinator = Coordinator.start(system, settings, key, SystemClocks.WALL, random);
    var service = coordinator.service();
    StringBuilder policy = new StringBuilder("grants = [\n");
    for (int t = 0; t < TENANTS; t++) {
      policy.append("  { platforms { tenant = oversoc, tags = [soc] }, gateways { tenant = t").append(t)
          .append(" } }\n");
    }
    service.setPolicy(policy.append("]\n").toString(), "bench");
    String platformKey = service.createPreAuthKey("oversoc", NodeRole.NODE_ROLE_PLATFORM, List.of("soc"), true,
        false, Duration.ofDays(1), "bench", "bench").secretText();
    List<String> tenantKeys = new ArrayList<>();
    for (int t = 0; t < TENANTS; t++) {
      tenantKeys.add(service.createPreAuthKey("t" + t, NodeRole.NODE_ROLE_GATEWAY, List.of(), true, false,
          Duration.ofDays(1), "bench", "bench").secretText());
    }

    long heapBefore = usedHeapAfterGc();
    long t0 = System.nanoTime();
    List<Client> platforms = new ArrayList<>();
    List<Client> gateways = new ArrayList<>();
    for (int i = 0; i < n; i += CONNECT_PARALLELISM) {
      int batch = Math.min(CONNECT_PARALLELISM, n - i);
      CountDownLatch streaming = new CountDownLatch(batch);
      for (int j = 0; j < batch; j++) {
        int index = i + j;
        // Platforms connect last: each then gets one full map of every gateway, as after a
        // coordinator restart, rather than thousands of single-peer deltas while gateways enroll.
        boolean platform = index >= n - PLATFORMS;
        Client c = connect(coordinator, platform ? platformKey : tenantKeys.get(index % TENANTS),
            (platform ? "pf-" : "gw-") + index, streaming);
        (platform ? platforms : gateways).add(c);
      }
      if (!streaming.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("clients did not all start streaming");
      }
    }
    awaitAll(gateways, c -> c.session.map().map(m -> m.peers().size() == PLATFORMS).orElse(false),
        "every gateway sees every platform");
    double connectSeconds = (System.nanoTime() - t0) / 1e9;
    long heapAfter = usedHeapAfterGc();
    System.out.printf("%d clients (%d platforms, %d gateways in %d tenants) enrolled and streaming in %.1f s%n",
        n, platforms.size(), gateways.size(), TENANTS, connectSeconds);
    System.out.printf("heap per connected client (client and coordinator side, in process): %.1f KiB%n",
        (heapAfter - heapBefore) / 1024.0 / n);

    Histogram all = new Histogram(3);
    if (WARMUP_ROUNDS + rounds > platforms.size()) {
      throw new IllegalArgumentException("at most " + (platforms.size() - WARMUP_ROUNDS) + " rounds");
    }
    for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
      Client victim = platforms.get(round + WARMUP_ROUNDS);
      long victimId;
      synchronized (victim.session) {
        victimId = victim.session.registration().orElseThrow().getNodeId();
      }
      for (Client g : gateways) {
        g.appliedAt.set(0);
        g.watching = victimId;
      }
      service.revokeNode(victimId, "bench round " + round, "bench");
      long committed = System.nanoTime();
      awaitAll(gateways, c -> c.appliedAt.get() != 0, "every gateway applied revocation " + round);
      Histogram h = new Histogram(3);
      for (Client g : gateways) {
        h.recordValue(Math.max(0, g.appliedAt.get() - committed) / 1000);
      }
      if (round < 0) {
        continue; // warm-up
      }
      all.add(h);
      System.out.printf("round %d: revocation applied by %d clients: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          round, h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
          h.getMaxValue() / 1e3);
    }
    reference(gateways.size()); // warm-up
    Histogram ref = reference(gateways.size());
    System.out.printf("coordinator (all rounds): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3, all.getMaxValue() / 1e3);
    System.out.printf("reference (bare fan-out of one removal frame to %d connections): p50 %.1f ms, p99 %.1f ms, "
        + "max %.1f ms%n", gateways.size(), ref.getValueAtPercentile(50) / 1e3, ref.getValueAtPercentile(99) / 1e3,
        ref.getMaxValue() / 1e3);
    System.out.printf("ratio coordinator/reference: p50 %.2f, p99 %.2f, max %.2f; p99 target < 1000 ms: %s%n",
        ratio(all, ref, 50), ratio(all, ref, 99), (double) all.getMaxValue() / Math.max(1, ref.getMaxValue()),
        all.getValueAtPercentile(99) < 1_000_000 ? "met" : "NOT met");
    coordinator.close();
  }

  static double ratio(Histogram a, Histogram b, double p) {
    return (double) a.getValueAtPercentile(p) / Math.max(1, b.getValueAtPercentile(p));
  }

  private Client connect(Coordinator coordinator, String authKey, String name, CountDownLatch streaming) {
    MachinePrivateKey machine = MachinePrivateKey.generate(random);
    ControlClientSession s = new ControlClientSession(ControlClientSession.Mode.MESH_NODE, machine.publicKey(),
        NodePrivateKey.generate(random), key.publicKey(), Optional.of(authKey), name, "bench");
    Client c = new Client(s);
    boolean[] counted = {false};
    ControlClientConnection.open(mat, s, coordinator.connections().flow(machine.publicKey()), SystemClocks.WALL,
        Duration.ofSeconds(15), (session, m, reaction) -> {
          if (!counted[0] && session.state() == ControlClientSession.State.STREAMING) {
            counted[0] = true;
            streaming.countDown();
          }
          long watching = c.watching;
          for (PeerChange change : reaction.changes()) {
            if (change instanceof PeerChange.PeerRemoved r && r.peer().getNodeId() == watching) {
              c.appliedAt.compareAndSet(0, System.nanoTime());
            }
          }
          reaction.error().ifPresent(e -> System.err.println(name + ": " + e));
        });
    return c;
  }

  /**
   * The reference: one removal delta, pre-built, offered from one thread to {@code count}
   * connections, each through the client framing, the decoder and the reducer.
   */
  private Histogram reference(int count) throws Exception {
    ServerMessage frame = ServerMessage.newBuilder()
        .setMap(MapResponse.newBuilder().setSeq(2).addPeersRemoved(1)).build();
    ByteString bytes = ControlFraming.encode(frame, Integer.MAX_VALUE);
    AtomicLongArray applied = new AtomicLongArray(count);
    AtomicInteger done = new AtomicInteger();
    List<BoundedSourceQueue<ByteString>> queues = new ArrayList<>();
    com.oversoc.mesh.protocol.control.PeerMap start = com.oversoc.mesh.protocol.control.PeerMapReducer.apply(null,
        MapResponse.newBuilder().setSeq(1).setFull(true).setSelf(selfForReference())
            .addPeersChanged(peerForReference()).setRelayMap(RelayMap.getDefaultInstance()).setPolicyVersion(1)
            .build()).map();
    // Each connection decodes as ControlFraming.client() does (length field, then parse) and
    // applies the delta with the reducer.
    for (int i = 0; i < count; i++) {
      int index = i;
      Pair<BoundedSourceQueue<ByteString>, Source<ByteString, org.apache.pekko.NotUsed>> q =
          Source.<ByteString>queue(16).preMaterialize(mat);
      q.second()
          .via(org.apache.pekko.stream.javadsl.Framing.lengthField(4, 0, Integer.MAX_VALUE,
              java.nio.ByteOrder.BIG_ENDIAN))
          .map(f -> ControlFraming.parseServer(f.drop(4)))
          .runWith(Sink.foreach(m -> {
            com.oversoc.mesh.protocol.control.PeerMapReducer.apply(start, m.getMap());
            applied.set(index, System.nanoTime());
            done.incrementAndGet();
          }), mat);
      queues.add(q.first());
    }
    long sent = System.nanoTime();
    for (BoundedSourceQueue<ByteString> q : queues) {
      q.offer(bytes);
    }
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (done.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    queues.forEach(BoundedSourceQueue::complete);
    Histogram h = new Histogram(3);
    for (int i = 0; i < count; i++) {
      h.recordValue(Math.max(0, applied.get(i) - sent) / 1000);
    }
    return h;
  }

  private static com.oversoc.mesh.protocol.control.pb.SelfNode selfForReference() {
    return com.oversoc.mesh.protocol.control.pb.SelfNode.newBuilder().setNodeId(2)
        .setRole(NodeRole.NODE_ROLE_GATEWAY).setNodeKey(com.google.protobuf.ByteString.copyFrom(new byte[32]))
        .setIpv4(com.google.protobuf.ByteString.copyFrom(new byte[4]))
        .setIpv6(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
  }

  private static com.oversoc.mesh.protocol.control.pb.Peer peerForReference() {
    return com.oversoc.mesh.protocol.control.pb.Peer.newBuilder().setNodeId(1)
        .setRole(NodeRole.NODE_ROLE_PLATFORM).setNodeKey(com.google.protobuf.ByteString.copyFrom(new byte[32]))
        .setIpv4(com.google.protobuf.ByteString.copyFrom(new byte[4]))
        .setIpv6(com.google.protobuf.ByteString.copyFrom(new byte[16]))
        .setAccess(com.oversoc.mesh.protocol.control.pb.PeerAccess.INBOUND).build();
  }

  interface Check {
    boolean ok(Client c) throws Exception;
  }

  private static void awaitAll(List<Client> clients, Check check, String what) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (Client c : clients) {
      while (true) {
        boolean ok;
        synchronized (c.session) {
          ok = check.ok(c);
        }
        if (ok) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out: " + what);
        }
        Thread.sleep(1);
      }
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
