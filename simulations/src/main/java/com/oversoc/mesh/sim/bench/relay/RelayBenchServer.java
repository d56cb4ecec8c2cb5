package com.oversoc.mesh.sim.bench.relay;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.relay.RelayNode;
import com.oversoc.mesh.relay.RelayServer;
import com.oversoc.mesh.relay.RelaySettings;
import com.oversoc.mesh.relay.admission.ActiveKeySet;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The relay of a benchmark, in its own JVM: {@code RelayBenchServer SEED CLIENTS}. Admits the
 * clients {@link BenchKeys} derives, prints {@code READY <port>}, then answers commands on stdin:
 * {@code heap} (used heap after GC, in bytes) and {@code stats} (clients, drops by reason, write
 * timeouts, queue samples above 32, and packets per write, each write being one secure-channel
 * record); it exits when stdin closes.
 */
public final class RelayBenchServer {
  private RelayBenchServer() {}

  public static void main(String[] args) throws Exception {
    long seed = Long.parseLong(args[0]);
    int clients = Integer.parseInt(args[1]);
    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "bench-relay",
        ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(RelayNode.pekkoDefaults()));
    ActiveKeySet keys = new ActiveKeySet(SystemClocks.MONOTONIC);
    List<com.oversoc.mesh.protocol.key.NodePublicKey> admitted = new ArrayList<>(clients);
    for (int i = 0; i < clients; i++) {
      admitted.add(BenchKeys.node(seed, i).publicKey());
    }
    keys.replaceAll(admitted);
    RelayMetrics metrics = new RelayMetrics();
    RelayServer relay = RelayServer.create(system,
        RelaySettings.defaults(BenchKeys.relay(seed), new InetSocketAddress("127.0.0.1", 0)), keys, metrics,
        SystemClocks.MONOTONIC);
    InetSocketAddress at = relay.bind().toCompletableFuture().join();
    System.out.println("READY " + at.getPort());
    System.out.flush();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      switch (line.strip()) {
        case "heap" -> {
          for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
          }
          System.out.println(memory.getHeapMemoryUsage().getUsed());
        }
        case "stats" -> {
          long[] depths = metrics.depthHistogram();
          System.out.println("clients=" + metrics.clients() + " dropped=" + Arrays.stream(DropReason.values())
              .map(r -> r.label() + ":" + metrics.dropped(r)).toList() + " write_timeouts=" + metrics.writeTimeouts()
              + " deeper_than_32=" + depths[depths.length - 1]
              + String.format(" packets_per_write=%.1f",
                  metrics.packetsForwarded() / (double) Math.max(1, metrics.packetWrites())));
        }
        default -> System.out.println("unknown command " + line);
      }
      System.out.flush();
    }
    relay.shutdown(Optional.empty()).toCompletableFuture().join();
    system.terminate();
  }
}
