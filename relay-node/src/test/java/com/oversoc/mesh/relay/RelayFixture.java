package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.RelayDialer;
import com.oversoc.mesh.actors.relay.RelayFraming;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import javax.net.ssl.SSLContext;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.relay.admission.ActiveKeySet;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.util.ByteString;

/** Relays, keys and clients connected in memory, for tests. */
final class RelayFixture implements AutoCloseable {
  static final SecureRandom RANDOM = new SecureRandom();
  /** Longer than a relay's own shutdown timeout, so a slow shutdown is waited for, not reported. */
  private static final Duration CLEANUP_TIMEOUT = RelayServer.SHUTDOWN_TIMEOUT.plusSeconds(20);

  final ActorTestKit kit = ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));
  final ActiveKeySet keys = new ActiveKeySet(SystemClocks.MONOTONIC);

  static NodePrivateKey nodeKey() {
    return NodePrivateKey.generate(RANDOM);
  }

  static RelaySettings settings() {
    return RelaySettings.defaults(RelayPrivateKey.generate(RANDOM), new InetSocketAddress("127.0.0.1", 0));
  }

  /** What the running test created; {@link #cleanUp} closes it, whether the test passed or not. */
  private final List<RelayServer> servers = new CopyOnWriteArrayList<>();
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final List<Raw> raws = new CopyOnWriteArrayList<>();

  RelayServer server(RelaySettings settings) {
    return track(RelayServer.create(kit.system(), settings, keys, new RelayMetrics(), SystemClocks.MONOTONIC));
  }

  /** A relay the test created itself, to be shut down with the test's other relays. */
  RelayServer track(RelayServer relay) {
    servers.add(relay);
    return relay;
  }

  /**
   * Closes every client and raw connection the test opened and shuts down its relays, so that
   * nothing of one test (a client reconnecting with backoff, a mesh link dialing a sibling) runs
   * on into the next, also when the test failed halfway.
   */
  void cleanUp() {
    for (Raw r : raws) {
      r.out.sendComplete();
      r.in.cancel();
    }
    List<CompletableFuture<?>> closing = new java.util.ArrayList<>();
    for (Client c : clients) {
      closing.add(c.relay.closeAsync().toCompletableFuture());
    }
    for (RelayServer relay : servers) {
      closing.add(relay.shutdown(Optional.empty()).toCompletableFuture());
    }
    raws.clear();
    clients.clear();
    servers.clear();
    CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).orTimeout(CLEANUP_TIMEOUT.toSeconds(),
        java.util.concurrent.TimeUnit.SECONDS).join();
  }

  /** A key the coordinator lists as active. */
  NodePublicKey enrolled() {
    NodePublicKey k = nodeKey().publicKey();
    keys.add(k);
    return k;
  }

  /** Connects to whatever relay {@code relay} holds at each attempt, as if the channel proved {@code key}. */
  static RelayDialer inMemory(Supplier<RelayServer> relay, NodePublicKey key) {
    AtomicInteger n = new AtomicInteger();
    return () -> relay.get().connection(key, "memory-" + key.shortString() + "-" + n.incrementAndGet())
        .mapMaterializedValue(nu -> CompletableFuture.completedFuture(Done.getInstance()));
  }

  Client client(RelayServer relay, NodePublicKey key) {
    return client(() -> relay, key, RelayClientSettings.node(true));
  }

  Client client(Supplier<RelayServer> relay, NodePublicKey key, RelayClientSettings settings) {
    Client c = new Client(key);
    c.relay = RelayClient.start(kit.system(), "c-" + key.shortString().replace('/', '_').replace('+', '-')
        + "-" + RANDOM.nextInt(1 << 30), settings.withRandom(new SplittableRandom(key.hashCode())),
        inMemory(relay, key), c);
    clients.add(c);
    return c;
  }

  /** A client that dials {@code relay} over TCP (and TLS with {@code tls}) through the secure channel. */
  Client tcpClient(InetSocketAddress relay, RelayPublicKey relayKey, NodePrivateKey key, Optional<SSLContext> tls,
      RelayClientSettings settings) {
    Client c = new Client(key.publicKey());
    c.relay = RelayClient.start(kit.system(), "t-" + RANDOM.nextInt(1 << 30),
        settings.withRandom(new SplittableRandom(key.publicKey().hashCode())),
        new TcpRelayDialer(kit.system(), new Endpoint(relay.getHostString(), relay.getPort()), tls, key, relayKey,
            SecureChannel.Settings.defaults()), c);
    clients.add(c);
    return c;
  }

  /** An enrolled node's private key. */
  NodePrivateKey enrolledPrivate() {
    NodePrivateKey k = nodeKey();
    keys.add(k.publicKey());
    return k;
  }

  /** What one client heard. */
  static final class Client implements RelayClient.Listener {
    final NodePublicKey key;
    RelayClient relay;
    final List<byte[]> packets = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final List<NodePublicKey> sources = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final List<Pair<NodePublicKey, PeerGoneReason>> gone = new CopyOnWriteArrayList<>();
    final List<CloseReason> refusals = new CopyOnWriteArrayList<>();
    final List<String> health = new CopyOnWriteArrayList<>();
    final AtomicInteger admissions = new AtomicInteger();
    final AtomicReference<RelayClient.State> state = new AtomicReference<>();

    Client(NodePublicKey key) {
      this.key = key;
    }

    @Override
    public void onPacket(NodePublicKey source, byte[] packet) {
      sources.add(source);
      packets.add(packet);
    }

    @Override
    public void onPeerGone(NodePublicKey peer, PeerGoneReason reason) {
      gone.add(Pair.create(peer, reason));
    }

    @Override
    public void onHealth(String problem) {
      health.add(problem);
    }

    @Override
    public void onStateChanged(RelayClient.State s, Optional<CloseReason> refusal, String detail) {
      state.set(s);
      if (s == RelayClient.State.CONNECTED) {
        admissions.incrementAndGet();
      }
      refusal.ifPresent(refusals::add);
    }

    boolean connected() {
      return relay.state() == RelayClient.State.CONNECTED;
    }
  }

  /** A connection driven frame by frame: what a buggy or hostile client can do. */
  Raw raw(RelayServer relay, NodePublicKey key) {
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<RelayFrame>> probes =
        TestSource.<ByteString>probe(kit.system().classicSystem())
            .via(relay.connection(key, "raw-" + key.shortString()))
            .via(RelayFraming.decoder())
            .toMat(TestSink.probe(kit.system().classicSystem()), Keep.both())
            .run(kit.system());
    Raw raw = new Raw(probes.first(), probes.second());
    raws.add(raw);
    return raw;
  }

  record Raw(TestPublisher.Probe<ByteString> out, TestSubscriber.Probe<RelayFrame> in) {
    void send(RelayFrame f) {
      out.sendNext(RelayFraming.encode(f));
    }

    RelayFrame next() {
      in.request(1);
      return in.expectNext(Duration.ofSeconds(5));
    }

    /** Skips frames until one of {@code type} arrives. */
    <F extends RelayFrame> F next(Class<F> type) {
      for (int i = 0; i < 1000; i++) {
        RelayFrame f = next();
        if (type.isInstance(f)) {
          return type.cast(f);
        }
      }
      throw new AssertionError("no " + type.getSimpleName());
    }
  }

  /** Waits (without spinning a core away from the relay) until {@code condition} holds, for at most 10 s. */
  static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(20_000);
    }
  }

  void await(Runnable assertion) {
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertion.run();
      return null;
    });
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
