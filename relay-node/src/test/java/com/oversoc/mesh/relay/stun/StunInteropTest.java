package com.oversoc.mesh.relay.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunTransaction;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STUN against real implementations from Debian, on loopback: {@code stun-client} (an RFC 3489
 * client) and coturn's {@code turnutils_stunclient} (RFC 5389) against our server, and our
 * client against coturn's {@code turnserver}. The packages come from .ci/run; without them these
 * tests fail, they never skip.
 */
class StunInteropTest {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

  private static void requireTool(String tool, String debianPackage) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(tool + " is not installed: install the Debian package " + debianPackage + " (.ci/run installs it)");
    }
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + TOOL_TIMEOUT.toSeconds() + " s");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static List<Integer> all(Pattern pattern, String text) {
    List<Integer> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  @Test
  void debiansStunClientGetsItsMappedAddressFromOurServer() throws Exception {
    requireTool("stun", "stun-client");
    StunServer server = StunServerTest.start(new RelayMetrics());
    try {
      String out = run(List.of("stun", "127.0.0.1:" + server.localAddress().getPort(), "-v"));
      List<Integer> opened = all(Pattern.compile("Opened port (\\d+)"), out);
      List<Integer> mapped = all(Pattern.compile("MappedAddress = 127\\.0\\.0\\.1:(\\d+)"), out);
      assertFalse(opened.isEmpty(), out);
      assertFalse(mapped.isEmpty(), "stun-client got no MAPPED-ADDRESS:\n" + out);
      assertEquals(opened.get(0), mapped.get(0), "its first test saw the port it sent from:\n" + out);
      assertTrue(opened.containsAll(mapped), out);
    } finally {
      server.stop().toCompletableFuture().join();
    }
  }

  @Test
  void coturnsStunClientGetsTheAddressItsNatMapsItTo() throws Exception {
    requireTool("turnutils_stunclient", "coturn");
    StunServer server = StunServerTest.start(new RelayMetrics());
    try (UdpNat nat = new UdpNat(server.localAddress())) {
      String out = run(List.of("turnutils_stunclient", "-p", String.valueOf(nat.inside().getPort()), "127.0.0.1"));
      List<Integer> reflexive = all(Pattern.compile("UDP reflexive addr: 127\\.0\\.0\\.1:(\\d+)"), out);
      assertFalse(reflexive.isEmpty(), "turnutils_stunclient got no reflexive address:\n" + out);
      assertEquals(nat.outside().getPort(), reflexive.get(0), out);
    } finally {
      server.stop().toCompletableFuture().join();
    }
  }

  @Test
  void ourClientParsesCoturnsServer(@TempDir Path dir) throws Exception {
    requireTool("turnserver", "coturn");
    int port;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      port = probe.getLocalPort();
    }
    Process turn = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=" + port,
        "--stun-only", "--no-cli", "--no-tls", "--no-dtls", "--pidfile=" + dir.resolve("turn.pid"),
        "--userdb=" + dir.resolve("turndb"), "--log-file=stdout", "--simple-log")
        .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()).start();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      StunTransaction.Outcome outcome = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && turn.isAlive()) { // until turnserver has started listening
        outcome = StunProbe.run(socket, server, Duration.ofMillis(200), 3);
        if (outcome instanceof StunTransaction.Succeeded) {
          break;
        }
      }
      String log = Files.exists(dir.resolve("turnserver.log")) ? Files.readString(dir.resolve("turnserver.log")) : "";
      StunTransaction.Succeeded s = assertInstanceOf(StunTransaction.Succeeded.class, outcome,
          "no answer from turnserver (alive: " + turn.isAlive() + "):\n" + log);
      assertEquals(new TransportAddress(IpLiteral.parse("127.0.0.1"), socket.getLocalPort()), s.mapped());
    } finally {
      turn.destroy();
      if (!turn.waitFor(5, TimeUnit.SECONDS)) {
        turn.destroyForcibly();
      }
    }
  }
}
