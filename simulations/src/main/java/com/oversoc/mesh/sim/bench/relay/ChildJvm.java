package com.oversoc.mesh.sim.bench.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A main class of this benchmark module run in its own JVM, driven over stdin and stdout. */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  ChildJvm(String maxHeap, Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap, "-Xms" + maxHeap, "--sun-misc-unsafe-memory-access=allow"));
    // For profiling the child, e.g. -Dbench.child.jvm="-XX:StartFlightRecording=filename=relay.jfr"
    String extra = System.getProperty("bench.child.jvm", "").strip();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** The next line the child prints. */
  String readLine() throws IOException {
    String line = out.readLine();
    if (line == null) {
      throw new IOException("child " + process.pid() + " exited");
    }
    return line;
  }

  /** Skips lines (the JVM's own, e.g. a flight recording's) until one starts with {@code prefix}. */
  String awaitLine(String prefix) throws IOException {
    for (String line = readLine(); ; line = readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  String ask(String command) throws IOException {
    in.println(command);
    return readLine();
  }

  /** CPU time (user and system) the child has used so far. */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElseThrow();
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
