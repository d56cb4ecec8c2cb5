package com.oversoc.mesh.sim.bench.relay;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Does a client that stops reading hurt the others? Client A sends timestamped 1,200-byte packets
 * to B at a steady rate, and B's one-way latency is recorded alone and while D floods C, which
 * has stopped reading (C is replaced by a fresh stalled connection each time the relay
 * disconnects it, so its queue is full whenever D sends). The relay's queue for C must stay at 32
 * packets with the drops counted, and B's p99 must stay within twice the unloaded p99.
 *
 * <pre>
 *   ./bench --main com.oversoc.mesh.sim.bench.relay.RelayFairness [A->B packets/s (2000)] [D->C packets/s (10000)] [seconds (10)]
 * </pre>
 */
public final class RelayFairness {
  private static final long SEED = 7;
  private static final int PACKET = 1200;
  private static final Duration WARMUP = Duration.ofSeconds(3);
  /** Alone and loaded alternate in segments this long... */
  private static final Duration SEGMENT = Duration.ofSeconds(2);
  /** ...each starting this long after the switch, once queues have drained or filled. */
  private static final Duration SETTLE = Duration.ofMillis(300);
  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final int D = 3;

  private RelayFairness() {}

  public static void main(String[] args) throws Exception {
    int probeRate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int floodRate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Duration measure = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 10);
    try (ChildJvm server = new ChildJvm("1g", RelayBenchServer.class, String.valueOf(SEED), "4")) {
      int port = Integer.parseInt(server.awaitLine("READY ").split(" ")[1]);
      ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "bench-load",
          ConfigFactory.parseString("pekko.loglevel = WARNING"));
      try {
        Recorder latency = new Recorder(3);
        RelayClient a = BenchClients.start(system, port, SEED, A, (s, p) -> { });
        RelayClient b = BenchClients.start(system, port, SEED, B,
            (s, p) -> latency.recordValue(System.nanoTime() - ByteBuffer.wrap(p).getLong()));
        RelayClient d = BenchClients.start(system, port, SEED, D, (s, p) -> { });
        BenchClients.awaitConnected(List.of(a, b, d), Duration.ofSeconds(30));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean flooding = new AtomicBoolean(false);
        Thread probe = paced("probe", probeRate, running, () -> a.send(BenchClients.key(SEED, B),
            ByteBuffer.allocate(PACKET).putLong(System.nanoTime()).array()));
        NodePublicKey c = BenchClients.key(SEED, C);
        Thread flood = paced("flood", floodRate, running, () -> {
          if (flooding.get()) {
            d.send(c, new byte[PACKET]);
          }
        });
        Thread staller = Thread.ofPlatform().name("staller").start(() -> stallRepeatedly(system, port, server, running));

        // Alone and loaded alternate in short segments, so that both see the same background load
        // of a shared machine; each segment starts after the queues have settled.
        Histogram unloaded = new Histogram(3);
        Histogram loaded = new Histogram(3);
        Thread.sleep(WARMUP.toMillis());
        String before = server.ask("stats");
        int rounds = (int) Math.max(1, measure.dividedBy(SEGMENT));
        for (int round = 0; round < rounds; round++) {
          flooding.set(false);
          unloaded.add(segment(latency));
          flooding.set(true);
          loaded.add(segment(latency));
        }
        String after = server.ask("stats");
        running.set(false);
        flood.join();
        probe.join();
        staller.join();

        System.out.println();
        System.out.printf("Fairness: A->B at %d packets/s of %d bytes; D floods a stalled C at %d packets/s; "
            + "%d s of each, alternating in %d s segments, after %d s warm-up%n", probeRate, PACKET, floodRate,
            rounds * SEGMENT.toSeconds(), SEGMENT.toSeconds(), WARMUP.toSeconds());
        System.out.println(line("B's latency alone", unloaded));
        System.out.println(line("B's latency, C stalled", loaded));
        double ratio = (double) loaded.getValueAtPercentile(99) / unloaded.getValueAtPercentile(99);
        System.out.printf("p99 loaded / unloaded: %.2f (target at most 2)%n", ratio);
        System.out.println("relay before: " + before);
        System.out.println("relay after:  " + after);
        for (RelayClient x : List.of(a, b, d)) {
          x.close();
        }
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
      }
    }
  }

  /** Connects C with a read side that stops after the handshake; reconnects each time the relay drops it. */
  private static void stallRepeatedly(ActorSystem<?> system, int port, ChildJvm server, AtomicBoolean running) {
    NodePrivateKey key = BenchKeys.node(SEED, C);
    while (running.get()) {
      RelayClient stalled = RelayClient.start(system, "stalled-" + System.nanoTime(),
          RelayClientSettings.node(true), () -> stalledConnection(system, port, key), (s, p) -> { });
      try {
        String start = timeouts(server);
        while (running.get() && timeouts(server).equals(start)) {
          Thread.sleep(200);
        }
      } catch (Exception e) {
        return;
      } finally {
        stalled.closeAsync();
      }
    }
  }

  private static String timeouts(ChildJvm server) throws java.io.IOException {
    String stats = server.ask("stats");
    return stats.substring(stats.indexOf("write_timeouts="));
  }

  /** The secure channel over TCP whose read side lets the handshake and first frames in, then stops reading. */
  private static Flow<ByteString, ByteString, CompletableFuture<Object>> stalledConnection(ActorSystem<?> system,
      int port, NodePrivateKey key) {
    Flow<ByteString, ByteString, ?> tcp = Tcp.get(system)
        .outgoingConnection(new InetSocketAddress("127.0.0.1", port), Optional.empty(), List.of(), false,
            Optional.empty(), Optional.empty())
        .via(Flow.<ByteString>create().throttle(1, Duration.ofDays(1), 2, ThrottleMode.shaping()));
    return SecureChannel.client(ChannelProtocol.RELAY, key, BenchKeys.relay(SEED).publicKey(), new byte[0],
            SecureChannel.Settings.defaults())
        .join(tcp, Keep.left())
        .mapMaterializedValue(m -> CompletableFuture.completedFuture(null));
  }

  private static Thread paced(String name, int perSecond, AtomicBoolean running, Runnable action) {
    long interval = 1_000_000_000L / perSecond;
    return Thread.ofPlatform().name(name).start(() -> {
      long next = System.nanoTime();
      while (running.get()) {
        action.run();
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    });
  }

  private static Histogram segment(Recorder latency) throws InterruptedException {
    Thread.sleep(SETTLE.toMillis());
    latency.getIntervalHistogram();
    Thread.sleep(SEGMENT.toMillis());
    return latency.getIntervalHistogram();
  }

  private static String line(String what, Histogram h) {
    return String.format("%-24s p50 %7.0f us   p99 %7.0f us   p99.9 %7.0f us   max %7.0f us   (%d packets)", what,
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
        h.getMaxValue() / 1e3, h.getTotalCount());
  }
}
