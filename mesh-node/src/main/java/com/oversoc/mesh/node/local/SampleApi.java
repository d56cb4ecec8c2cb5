package com.oversoc.mesh.node.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The small HTTP API that stands for a customer's API behind the gateway in {@code ovsgw local}
 * and in the end-to-end tests. {@code GET /} answers a short JSON greeting; {@code GET /bytes/N}
 * streams N pseudo-random bytes (the same N bytes every time, see {@link #expectedBytes}), so a
 * client can check that a large transfer arrived intact.
 */
public final class SampleApi implements AutoCloseable {
  /** The longest body /bytes serves: 4 GiB. */
  public static final long MAX_BYTES = 1L << 32;
  private static final int CHUNK = 64 * 1024;
  private static final long SEED = 0x5eed_0f_05ecL;

  private final HttpServer server;
  private final ExecutorService executor;

  private SampleApi(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves on {@code address} (port 0 picks one). */
  public static SampleApi start(InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", SampleApi::handle);
    server.start();
    return new SampleApi(server, executor);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 405, "{\"error\":\"only GET\"}\n");
      } else if (path.equals("/")) {
        respond(exchange, 200, "{\"service\":\"acme sample API\",\"reached\":\"through the OverSOC mesh\"}\n");
      } else if (path.startsWith("/bytes/")) {
        long n;
        try {
          n = Long.parseLong(path.substring("/bytes/".length()));
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 0 || n > MAX_BYTES) {
          respond(exchange, 400, "{\"error\":\"/bytes/N with 0 <= N <= " + MAX_BYTES + "\"}\n");
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, n == 0 ? -1 : n);
        try (OutputStream out = exchange.getResponseBody()) {
          SplittableRandom random = new SplittableRandom(SEED);
          byte[] chunk = new byte[CHUNK];
          for (long left = n; left > 0; left -= CHUNK) {
            int len = (int) Math.min(CHUNK, left);
            random.nextBytes(chunk);
            out.write(chunk, 0, len);
          }
        }
      } else {
        respond(exchange, 404, "{\"error\":\"not found\"}\n");
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, b.length);
    exchange.getResponseBody().write(b);
  }

  /** The body of {@code /bytes/n}, fed to {@code sink} in chunks (for the caller's checksum). */
  public static void expectedBytes(long n, java.util.function.ObjIntConsumer<byte[]> sink) {
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] chunk = new byte[CHUNK];
    for (long left = n; left > 0; left -= CHUNK) {
      random.nextBytes(chunk);
      sink.accept(chunk, (int) Math.min(CHUNK, left));
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
