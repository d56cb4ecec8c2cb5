package com.oversoc.mesh.sim.bench.relay;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Heap a relay spends per idle connected client: the relay (in its own JVM) reports its used
 * heap after garbage collection before and after N clients have connected through the secure
 * channel and been admitted. Target: at most 64 KiB per client with 10,000 clients.
 *
 * <pre>
 *   ./bench --main com.oversoc.mesh.sim.bench.relay.RelayIdleClients [clients (10000)]
 * </pre>
 *
 * The reference in the same run is the relay's own baseline heap (the same process with no
 * clients), so the figure is the cost of the clients alone.
 */
public final class RelayIdleClients {
  private static final long SEED = 11;
  private static final long TARGET_BYTES = 64 * 1024;

  private RelayIdleClients() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    try (ChildJvm server = new ChildJvm("2g", RelayBenchServer.class, String.valueOf(SEED), String.valueOf(n))) {
      int port = Integer.parseInt(server.awaitLine("READY ").split(" ")[1]);
      long before = Long.parseLong(server.ask("heap"));
      ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "bench-idle",
          ConfigFactory.parseString("pekko.loglevel = WARNING"));
      try {
        List<RelayClient> clients = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          clients.add(BenchClients.start(system, port, SEED, i, (s, p) -> { }));
        }
        BenchClients.awaitConnected(clients, Duration.ofMinutes(5));
        Duration connecting = Duration.ofNanos(System.nanoTime() - t0);
        String stats = server.ask("stats");
        long after = Long.parseLong(server.ask("heap"));
        long perClient = (after - before) / n;
        System.out.println();
        System.out.printf("Idle clients: %d connected and admitted in %.1f s (%s)%n", n, connecting.toMillis() / 1e3,
            stats);
        System.out.printf("relay heap after GC: %.1f MiB with no clients, %.1f MiB with %d%n", before / 1048576.0,
            after / 1048576.0, n);
        System.out.printf("heap per idle client: %.1f KiB (target at most %d KiB): %s%n", perClient / 1024.0,
            TARGET_BYTES / 1024, perClient <= TARGET_BYTES ? "met" : "NOT met");
        clients.forEach(RelayClient::closeAsync);
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
      }
    }
  }
}
