package com.oversoc.mesh.sim.bench.relay;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.typesafe.config.ConfigFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Packets per second and Mbit/s a relay forwards per core of its own CPU time, with 1,200-byte
 * packets, beside socat forwarding the same byte stream as a plain TCP proxy in the same run.
 *
 * <pre>
 *   ./bench --main com.oversoc.mesh.sim.bench.relay.RelayThroughput [flows (16)] [seconds (10)]
 * </pre>
 *
 * Each flow is a sender and a receiver with at most {@value #WINDOW} packets in flight, so the
 * relay's 32-packet queues never overflow and every packet counts. The relay runs in a child JVM
 * whose CPU time (user + system) is the divisor; socat's CPU time divides its figure. Both
 * forwarders share the machine with their load generators, so only the per-core figures and
 * their ratio mean anything.
 */
public final class RelayThroughput {
  static final int PACKET = 1200;
  static final int WINDOW = 24;
  /** The wire size of one packet through the relay (SEND_PACKET frame), used for the socat stream too. */
  static final int RECORD = 5 + 32 + PACKET;
  private static final long SEED = 42;
  private static final Duration WARMUP = Duration.ofSeconds(3);

  private RelayThroughput() {}

  /** One forwarder's result over the measured interval. */
  record Result(String name, long packets, Duration wall, Duration cpu) {
    double pps() {
      return packets / (wall.toNanos() / 1e9);
    }

    double cores() {
      return cpu.toNanos() / (double) wall.toNanos();
    }

    double ppsPerCore() {
      return pps() / cores();
    }

    double mbitPerCore() {
      return ppsPerCore() * PACKET * 8 / 1e6;
    }

    String line() {
      return String.format("%-34s %10.0f pkt/s %8.1f Mbit/s on %.2f cores = %9.0f pkt/s %7.1f Mbit/s per core",
          name, pps(), pps() * PACKET * 8 / 1e6, cores(), ppsPerCore(), mbitPerCore());
    }
  }

  public static void main(String[] args) throws Exception {
    int flows = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
    Result relay = relay(flows, measure);
    Result socat = socat(flows, measure);
    System.out.println();
    System.out.println("Relay throughput, " + flows + " flows, " + PACKET + "-byte packets, window " + WINDOW
        + ", " + measure.toSeconds() + " s measured after " + WARMUP.toSeconds() + " s warm-up:");
    System.out.println(relay.line());
    System.out.println(socat.line());
    System.out.printf("relay / socat per core: %.2f (the relay also decrypts and re-encrypts every packet)%n",
        relay.ppsPerCore() / socat.ppsPerCore());
  }

  static Result relay(int flows, Duration measure) throws Exception {
    try (ChildJvm server = new ChildJvm("1g", RelayBenchServer.class, String.valueOf(SEED), String.valueOf(2 * flows))) {
      int port = Integer.parseInt(server.awaitLine("READY ").split(" ")[1]);
      ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "bench-load",
          ConfigFactory.parseString("pekko.loglevel = WARNING"));
      try {
        AtomicLong delivered = new AtomicLong();
        List<Semaphore> windows = new ArrayList<>();
        List<RelayClient> clients = new ArrayList<>();
        for (int f = 0; f < flows; f++) {
          Semaphore window = new Semaphore(WINDOW);
          windows.add(window);
          clients.add(BenchClients.start(system, port, SEED, 2 * f, (src, p) -> { }));
          clients.add(BenchClients.start(system, port, SEED, 2 * f + 1, (src, p) -> {
            delivered.incrementAndGet();
            window.release();
          }));
        }
        BenchClients.awaitConnected(clients, Duration.ofSeconds(30));
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (int f = 0; f < flows; f++) {
          RelayClient sender = clients.get(2 * f);
          NodePublicKey to = BenchClients.key(SEED, 2 * f + 1);
          Semaphore window = windows.get(f);
          senders.add(Thread.ofPlatform().name("relay-sender-" + f).start(() -> {
            byte[] packet = new byte[PACKET];
            while (running.get()) {
              try {
                if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                  sender.send(to, packet);
                }
              } catch (InterruptedException e) {
                return;
              }
            }
          }));
        }
        Result r = measure("relay (ovsgw, secure channel)", delivered, server::cpu, measure);
        running.set(false);
        for (Thread t : senders) {
          t.join();
        }
        System.out.println("relay " + server.ask("stats"));
        clients.forEach(RelayClient::close);
        return r;
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
      }
    }
  }

  static Result socat(int flows, Duration measure) throws Exception {
    AtomicLong delivered = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Process> socats = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<AutoCloseable> sockets = new ArrayList<>();
    try {
      for (int f = 0; f < flows; f++) {
        ServerSocket sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int proxyPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          proxyPort = probe.getLocalPort();
        }
        Process socat = new ProcessBuilder("socat", "TCP-LISTEN:" + proxyPort + ",bind=127.0.0.1,reuseaddr,nodelay",
            "TCP:127.0.0.1:" + sink.getLocalPort() + ",nodelay").redirectErrorStream(true).start();
        socats.add(socat);
        Socket out = connectWhenListening(proxyPort);
        out.setTcpNoDelay(true);
        Socket in = sink.accept();
        sockets.add(sink);
        sockets.add(out);
        sockets.add(in);
        Semaphore window = new Semaphore(WINDOW);
        threads.add(Thread.ofPlatform().name("socat-sender-" + f).start(() -> {
          byte[] record = new byte[RECORD];
          try (OutputStream o = out.getOutputStream()) {
            while (running.get()) {
              if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                o.write(record);
              }
            }
          } catch (IOException | InterruptedException e) {
            // the benchmark is over
          }
        }));
        threads.add(Thread.ofPlatform().name("socat-receiver-" + f).start(() -> {
          byte[] record = new byte[RECORD];
          try (DataInputStream i = new DataInputStream(in.getInputStream())) {
            while (true) {
              i.readFully(record);
              delivered.incrementAndGet();
              window.release();
            }
          } catch (IOException e) {
            // the benchmark is over
          }
        }));
      }
      return measure("socat (plain TCP forwarder)", delivered,
          () -> socats.stream().map(p -> p.toHandle().info().totalCpuDuration().orElseThrow())
              .reduce(Duration.ZERO, Duration::plus), measure);
    } finally {
      running.set(false);
      for (AutoCloseable s : sockets) {
        s.close();
      }
      for (Process p : socats) {
        p.destroy();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      for (Thread t : threads) {
        t.join(5000);
      }
    }
  }

  private static Socket connectWhenListening(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return new Socket(InetAddress.getLoopbackAddress(), port);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("socat did not listen on " + port + " (is the Debian package socat installed?)", e);
        }
        Thread.sleep(20);
      }
    }
  }

  private static Result measure(String name, AtomicLong delivered, java.util.function.Supplier<Duration> cpu,
      Duration measure) throws InterruptedException {
    Thread.sleep(WARMUP.toMillis());
    long p0 = delivered.get();
    Duration c0 = cpu.get();
    long t0 = System.nanoTime();
    Thread.sleep(measure.toMillis());
    long p1 = delivered.get();
    Duration c1 = cpu.get();
    long t1 = System.nanoTime();
    return new Result(name, p1 - p0, Duration.ofNanos(t1 - t0), c1.minus(c0));
  }
}
