package com.oversoc.mesh.actors.wireguard.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Our WireGuard session against a real one: wireguard-go with a TUN device in one network
 * namespace, our {@link InteropPeer} on a plain UDP socket in another, joined by a veth pair on
 * 192.0.2.0/24 (TEST-NET-1). Inside the tunnel wireguard-go's side is 10.99.0.1 (its kernel
 * answers our pings, socat echoes our UDP), ours is 10.99.0.2.
 *
 * <p>Needs root, iproute2, wireguard-go, wireguard-tools and socat; {@code .ci/run} installs them
 * and runs as root. Without them this test fails and says what is missing: it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WireGuardGoInteropTest {
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(40);
  private static final String OUTER_GO = "192.0.2.1";
  private static final String OUTER_US = "192.0.2.2";
  private static final int PORT_GO = 51820;
  private static final int PORT_US = 51821;
  private static final String INNER_GO = "10.99.0.1";
  private static final String INNER_US = "10.99.0.2";
  private static final int UDP_ECHO_PORT = 7777;

  private final String suffix = Long.toString(ProcessHandle.current().pid() % 100_000);
  private final String nsGo = "ovsgw-wg-go-" + suffix;
  private final String nsUs = "ovsgw-wg-us-" + suffix;
  private final String vethGo = "ovgo" + suffix;
  private final String vethUs = "ovus" + suffix;
  private final String wgIf = "ovwg" + suffix;
  private final List<Process> processes = new ArrayList<>();
  private Path dir;
  private String ourPublicKey;
  private String goPublicKey;
  private Process peer;
  private PrintWriter peerIn;
  private final LinkedBlockingQueue<String> peerOut = new LinkedBlockingQueue<>();

  @BeforeAll
  void startBothSides() throws Exception {
    requireEnvironment();
    // Logs stay in target/ for a failure to point at; the keys are deleted after the run.
    dir = Files.createDirectories(Path.of("target", "wg-interop-" + suffix).toAbsolutePath());
    SecureRandom random = new SecureRandom();
    NodePrivateKey ours = NodePrivateKey.generate(random);
    NodePrivateKey go = NodePrivateKey.generate(random);
    ourPublicKey = ours.publicKey().toBase64();
    goPublicKey = go.publicKey().toBase64();
    Path ourKey = writeSecret("ours.key", ours.toBase64());
    Path goKey = writeSecret("go.key", go.toBase64());

    sh("ip", "netns", "add", nsGo);
    sh("ip", "netns", "add", nsUs);
    sh("ip", "link", "add", vethGo, "type", "veth", "peer", "name", vethUs);
    sh("ip", "link", "set", vethGo, "netns", nsGo);
    sh("ip", "link", "set", vethUs, "netns", nsUs);
    sh("ip", "-n", nsGo, "addr", "add", OUTER_GO + "/24", "dev", vethGo);
    sh("ip", "-n", nsUs, "addr", "add", OUTER_US + "/24", "dev", vethUs);
    for (String ns : List.of(nsGo, nsUs)) {
      sh("ip", "-n", ns, "link", "set", "lo", "up");
    }
    sh("ip", "-n", nsGo, "link", "set", vethGo, "up");
    sh("ip", "-n", nsUs, "link", "set", vethUs, "up");

    ProcessBuilder wg = new ProcessBuilder("ip", "netns", "exec", nsGo, "wireguard-go", "-f", wgIf)
        .redirectErrorStream(true).redirectOutput(dir.resolve("wireguard-go.log").toFile());
    wg.environment().put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
    wg.environment().put("LOG_LEVEL", "verbose");
    processes.add(wg.start());
    waitFor(() -> run("ip", "-n", nsGo, "link", "show", wgIf).exit() == 0, Duration.ofSeconds(10),
        "wireguard-go did not create " + wgIf + " (see " + dir.resolve("wireguard-go.log") + ")");
    sh("ip", "netns", "exec", nsGo, "wg", "set", wgIf, "private-key", goKey.toString(), "listen-port", Integer.toString(PORT_GO));
    addOurPeerToWireGuardGo();
    sh("ip", "-n", nsGo, "addr", "add", INNER_GO + "/24", "dev", wgIf);
    sh("ip", "-n", nsGo, "link", "set", wgIf, "up");
    processes.add(new ProcessBuilder("ip", "netns", "exec", nsGo, "socat",
        "UDP4-RECVFROM:" + UDP_ECHO_PORT + ",bind=" + INNER_GO + ",fork", "PIPE")
        .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start());

    String java = ProcessHandle.current().info().command().orElseThrow();
    peer = new ProcessBuilder("ip", "netns", "exec", nsUs, java, "-cp", System.getProperty("java.class.path"),
        InteropPeer.class.getName(), OUTER_US, Integer.toString(PORT_US), ourKey.toString(), goPublicKey,
        OUTER_GO, Integer.toString(PORT_GO), INNER_US, INNER_GO)
        .redirectError(dir.resolve("interop-peer.err").toFile()).start();
    processes.add(peer);
    peerIn = new PrintWriter(new OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8), true);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          peerOut.add(line);
        }
      } catch (IOException e) {
        peerOut.add("fail: the interop peer's output closed: " + e);
      }
    }, "interop-peer-out");
    reader.setDaemon(true);
    reader.start();
    String ready = peerOut.poll(30, TimeUnit.SECONDS);
    assertEquals("ready " + ourPublicKey, ready, "the interop peer did not start; see " + dir.resolve("interop-peer.err"));
  }

  @AfterAll
  void stopBothSides() throws Exception {
    if (peerIn != null) {
      peerIn.close();
    }
    for (Process p : processes.reversed()) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    run("ip", "netns", "del", nsGo);
    run("ip", "netns", "del", nsUs);
    if (dir != null) {
      Files.deleteIfExists(dir.resolve("ours.key"));
      Files.deleteIfExists(dir.resolve("go.key"));
    }
  }

  @Test
  @Order(1)
  void aHandshakeWeInitiateCompletesWithWireGuardGo() throws Exception {
    assertEquals(0, latestHandshake(), "no handshake yet");
    assertEquals("ok handshake", ask("handshake"));
    waitFor(() -> latestHandshake() > 0, Duration.ofSeconds(5), "wg show did not record the handshake");
  }

  @Test
  @Order(2)
  void icmpAndUdpPacketsWeBuildArriveAndTheRepliesDecryptOnOurSide() throws Exception {
    for (int seq = 1; seq <= 20; seq++) {
      assertEquals("ok ping " + seq, ask("ping " + seq));
    }
    assertEquals("ok udp", ask("udp " + UDP_ECHO_PORT + " hello from the OverSOC mesh"));
    long[] transfer = transfer();
    assertTrue(transfer[0] > 0 && transfer[1] > 0, "wireguard-go counted traffic both ways: rx " + transfer[0] + ", tx " + transfer[1]);
  }

  @Test
  @Order(3)
  void aHandshakeWireGuardGoInitiatesCompletesWithUs() throws Exception {
    int answeredBefore = Integer.parseInt(ask("responded").split(" ")[2]);
    // wireguard-go forgets its session with us, so its next packet needs a handshake it starts.
    sh("ip", "netns", "exec", nsGo, "wg", "set", wgIf, "peer", ourPublicKey, "remove");
    addOurPeerToWireGuardGo();
    assertEquals(0, latestHandshake());
    Result ping = run("ip", "netns", "exec", nsGo, "ping", "-c", "3", "-i", "0.3", "-W", "5", INNER_US);
    assertEquals(0, ping.exit(), "wireguard-go's kernel pinged us through its own handshake:\n" + ping.output());
    waitFor(() -> latestHandshake() > 0, Duration.ofSeconds(5), "wg show did not record the handshake");
    int answeredAfter = Integer.parseInt(ask("responded").split(" ")[2]);
    assertTrue(answeredAfter > answeredBefore, "we answered wireguard-go's initiation");
    assertEquals("ok ping 100", ask("ping 100"), "and our traffic flows in the session it started");
  }

  @Test
  @Order(4)
  void weRekeyAtWillAndTrafficContinuesWithoutLoss() throws Exception {
    long before = latestHandshake();
    // REKEY_TIMEOUT since the last initiation must pass before we may start another.
    Thread.sleep(6_000);
    String answer = ask("rekey 100");
    assertTrue(answer.startsWith("ok rekey 100 "), answer);
    waitFor(() -> latestHandshake() >= before, Duration.ofSeconds(5), "wg show lost the handshake");
    assertEquals("ok ping 200", ask("ping 200"));
  }

  @Test
  @Order(5)
  void aPacketWithOneFlippedBitIsDroppedByBothSides() throws Exception {
    assertEquals("ok flip-out", ask("flip-out 300"), "wireguard-go dropped our flipped packet and took the next");
    String in = ask("flip-in 400");
    assertEquals("ok flip-in DECRYPT_FAILED", in, "we dropped wireguard-go's flipped packet and took the original");
    assertNotEquals(0, latestHandshake());
  }

  // ---- wireguard-go side ----

  private void addOurPeerToWireGuardGo() throws Exception {
    sh("ip", "netns", "exec", nsGo, "wg", "set", wgIf, "peer", ourPublicKey, "allowed-ips", INNER_US + "/32",
        "endpoint", OUTER_US + ":" + PORT_US);
  }

  /** wireguard-go's latest handshake with us, in Unix seconds (0: none). */
  private long latestHandshake() {
    Result r = run("ip", "netns", "exec", nsGo, "wg", "show", wgIf, "latest-handshakes");
    for (String line : r.output().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].equals(ourPublicKey)) {
        return Long.parseLong(f[1]);
      }
    }
    return 0;
  }

  /** wireguard-go's received and sent bytes with us. */
  private long[] transfer() {
    Result r = run("ip", "netns", "exec", nsGo, "wg", "show", wgIf, "transfer");
    for (String line : r.output().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3 && f[0].equals(ourPublicKey)) {
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
      }
    }
    return new long[] {0, 0};
  }

  // ---- our side ----

  private String ask(String command) throws InterruptedException {
    peerIn.println(command);
    String answer = peerOut.poll(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (answer == null) {
      fail("the interop peer did not answer '" + command + "' within " + REPLY_TIMEOUT + "; see " + dir);
    }
    return answer;
  }

  // ---- environment ----

  private void requireEnvironment() {
    Result id = run("id", "-u");
    if (!id.output().strip().equals("0")) {
      fail("the wireguard-go interop test must run as root (network namespaces, TUN): CI runs .ci/run as root");
    }
    for (String[] tool : new String[][] {{"ip", "iproute2"}, {"wireguard-go", "wireguard-go"}, {"wg", "wireguard-tools"},
        {"socat", "socat"}, {"ping", "iputils-ping"}}) {
      if (run("sh", "-c", "command -v " + tool[0]).exit() != 0) {
        fail(tool[0] + " is not installed: install the Debian package " + tool[1] + " (.ci/run installs it)");
      }
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      fail("/dev/net/tun is missing: wireguard-go needs a TUN device");
    }
  }

  private Path writeSecret(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(p, content + "\n");
    return p;
  }

  record Result(int exit, String output) {}

  private static Result run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, output + "\n(timed out)");
      }
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  private static void sh(String... command) {
    Result r = run(command);
    if (r.exit() != 0) {
      fail(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition c, Duration timeout, String message) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        fail(message);
      }
      Thread.sleep(100);
    }
  }
}
