package com.oversoc.mesh.node.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NetLab against real traffic between namespaces. Needs root, iproute2, iptables and socat, which
 * {@code .ci/run} installs and runs as root; without them every test fails and says what is
 * missing: none skips.
 */
class NetLabTest {
  /** A JVM starting on the shared two-core machine, or a line a running process prints. */
  private static final Duration START = Duration.ofSeconds(30);
  /** How long a socat client waits for an answer after sending; nothing in the lab takes a millisecond. */
  private static final String SOCAT_REPLY_WAIT = "1";

  @BeforeAll
  static void toolsTheTestsUse() {
    Preconditions.requireCommand("socat", "socat");
    Preconditions.requireCommand("ping", "iputils-ping");
  }

  @Test
  void aHostHasLoopbackAnAddressAndADefaultRouteAndNothingBeyondTheLab() {
    try (NetLab lab = NetLab.create("addressing")) {
      Host alice = lab.host("alice");
      NatRouter dmz = lab.natRouter("dmz", Firewall.NONE);
      Host inner = dmz.host("inner");

      assertTrue(alice.namespace().startsWith("ovl-" + ProcessHandle.current().pid() + "-"), alice.namespace());
      assertEquals("203.0.113.10", ip(alice));
      assertEquals("198.51.100.10", ip(dmz));
      assertEquals("10.1.0.2", ip(inner));
      String links = alice.exec("ip", "-o", "link", "show", "up").orThrow().stdout();
      assertTrue(links.contains(": lo:") && links.contains(": eth0@"), links);
      assertEquals(2, links.lines().count(), "only loopback and eth0:\n" + links);
      assertTrue(alice.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").orThrow().stdout().contains("203.0.113.10/32"));
      assertEquals("default via 203.0.113.1 dev eth0 onlink",
          alice.exec("ip", "route", "show", "default").orThrow().stdout().strip());
      assertEquals("default via 10.1.0.1 dev eth0 onlink",
          inner.exec("ip", "route", "show", "default").orThrow().stdout().strip());
      assertEquals(0, inner.exec("ping", "-c", "1", "-W", "5", ip(alice)).exitCode(), "out through the NAT");

      // The internet knows only the lab's public addresses, and nothing links the lab to the root namespace.
      for (String unrouted : List.of(ip(inner), "192.0.2.1")) {
        ExecResult ping = alice.exec("ping", "-c", "1", "-W", "1", unrouted);
        assertNotEquals(0, ping.exitCode());
        assertTrue(ping.stdout().contains("Destination Net Unreachable"), ping.stdout());
      }
    }
  }

  @Test
  void twoHostsOnTheInternetExchangeUdpAndTcp() {
    try (NetLab lab = NetLab.create("udp-and-tcp")) {
      Host alice = lab.host("alice");
      Host bob = lab.host("bob");
      LabProcess udpEcho = bob.start("udp-echo", "socat", "-d", "-d", "UDP4-RECVFROM:7000,fork", "PIPE");
      udpEcho.awaitLine("receiving on .*:7000", START);
      LabProcess tcpEcho = startTcpEcho(bob, 7001);

      assertEquals("over udp", socat(alice, "over udp", "UDP4:" + ip(bob) + ":7000"));
      assertEquals("over tcp", socat(alice, "over tcp", "TCP4:" + ip(bob) + ":7001"));
      // Bob sees Alice's own address: nothing between two public hosts rewrites it.
      udpEcho.awaitLine("receiving packet from AF=2 " + ip(alice).replace(".", "\\.") + ":", START);
      tcpEcho.awaitLine("accepting connection from AF=2 " + ip(alice).replace(".", "\\.") + ":", START);
    }
  }

  @Test
  void behindNatEveryPeerSeesTheRoutersAddressWithTheSameKeptPort() {
    try (NetLab lab = NetLab.create("nat-mapping")) {
      Host east = lab.host("east");
      Host west = lab.host("west");
      NatRouter dmz = lab.natRouter("dmz", Firewall.OUTBOUND_ONLY);
      Host gateway = dmz.host("gateway");
      LabProcess eastEcho = east.startJava("echo", Probe.udpEcho(7000));
      LabProcess westEcho = west.startJava("echo", Probe.udpEcho(7000));
      eastEcho.awaitLine("listening udp", START);
      westEcho.awaitLine("listening udp", START);

      LabProcess talk = gateway.startJava("talk", Probe.udpTalk(41641, at(east, 7000), at(west, 7000)));
      talk.awaitLine("answered all", START);

      MatchResult seenByEast = eastEcho.awaitLine("got (\\S+):(\\d+) hello", START);
      MatchResult seenByWest = westEcho.awaitLine("got (\\S+):(\\d+) hello", START);
      assertEquals(ip(dmz), seenByEast.group(1), "east sees the router's public address, not " + ip(gateway));
      assertEquals(ip(dmz), seenByWest.group(1));
      assertEquals(seenByEast.group(2), seenByWest.group(2), "one inner socket, one mapped port for every peer");
      assertEquals("41641", seenByEast.group(2), "MASQUERADE keeps a free source port");
    }
  }

  @Test
  void theOutboundOnlyFirewallDropsAnUnsolicitedDatagramButLetsRepliesIn() {
    try (NetLab lab = NetLab.create("nat-firewall")) {
      Host peer = lab.host("peer");
      Host stranger = lab.host("stranger");
      NatRouter dmz = lab.natRouter("dmz", Firewall.OUTBOUND_ONLY);
      Host gateway = dmz.host("gateway");
      LabProcess echo = peer.startJava("echo", Probe.udpEcho(7000));
      echo.awaitLine("listening udp", START);
      LabProcess talk = gateway.startJava("talk", Probe.udpTalk(41641, at(peer, 7000)));

      MatchResult reply = talk.awaitLine("recv (\\S+) echo hello", START);
      assertEquals(ip(peer) + ":7000", reply.group(1), "the reply to the gateway's own datagram came in");
      String mapped = echo.awaitLine("got (\\S+) hello", START).group(1);
      assertEquals(ip(dmz) + ":41641", mapped);

      long dropsBefore = dmz.firewallDrops();
      assertEquals("", socat(stranger, "unsolicited", "UDP4-SENDTO:" + mapped));
      awaitTrue(() -> dmz.firewallDrops() > dropsBefore, "the firewall counted the stranger's datagram");
      assertEquals(dropsBefore + 1, dmz.firewallDrops(), "exactly the one datagram was dropped");
      assertFalse(talk.stdout().contains("unsolicited"), talk.stdout());
    }
  }

  @Test
  void blockingUdpStopsAHostsUdpButNotItsTcpAndUnblockingRestoresIt() {
    try (NetLab lab = NetLab.create("block-udp")) {
      Host relay = lab.host("relay");
      NatRouter dmz = lab.natRouter("dmz", Firewall.OUTBOUND_ONLY);
      Host gateway = dmz.host("gateway");
      LabProcess udpEcho = relay.startJava("udp-echo", Probe.udpEcho(3478));
      udpEcho.awaitLine("listening udp", START);
      startTcpEcho(relay, 443);
      String udp = "UDP4:" + ip(relay) + ":3478";
      String tcp = "TCP4:" + ip(relay) + ":443";
      assertEquals("echo before", socat(gateway, "before", udp));

      gateway.faults().blockUdp();
      assertEquals("", socat(gateway, "while blocked", udp), "no UDP answer while blocked");
      assertEquals("tcp while blocked", socat(gateway, "tcp while blocked", tcp));

      gateway.faults().unblockUdp();
      assertEquals("echo after", socat(gateway, "after", udp));
      // Sent before "after", so had it got through it would be in the log before it.
      assertFalse(udpEcho.stdout().contains("while blocked"), udpEcho.stdout());
    }
  }

  @Test
  void randomDropAtOneHalfLosesAboutHalfOf400Datagrams() {
    try (NetLab lab = NetLab.create("random-drop")) {
      Host sender = lab.host("sender");
      Host receiver = lab.host("receiver");
      LabProcess counter = receiver.startJava("count", Probe.udpCount(9000));
      counter.awaitLine("listening udp", START);

      sender.faults().dropRandomly(0.5);
      sender.startJava("send", Probe.udpSend(receiver.address(), 9000, 400)).awaitLine("sent 400", START);
      sender.faults().stopDropping();
      socat(sender, "end", "UDP4-SENDTO:" + ip(receiver) + ":9000");

      long received = Long.parseLong(counter.awaitLine("count (\\d+)", START).group(1));
      // Binomial(400, 0.5): mean 200, standard deviation 10; this bound is ten of them wide.
      assertTrue(received >= 100 && received <= 300, received + " of 400 arrived");
    }
  }

  @Test
  void tbfAtOneMegabitCapsABulkTcpTransferAndUnlimitingLiftsTheCap() {
    try (NetLab lab = NetLab.create("rate-limit")) {
      Host source = lab.host("source");
      Host sink = lab.host("sink");
      LabProcess rates = sink.startJava("rate", Probe.tcpRate(5001, 3000, 1000));
      rates.awaitLine("listening tcp", START);
      List<String> bulk = List.of("socat", "-u", "/dev/zero", "TCP4:" + ip(sink) + ":5001");

      source.faults().limitRate(1_000_000);
      LabProcess limitedTransfer = source.start("bulk", bulk);
      double limited = Double.parseDouble(rates.awaitLine("rate 1 (\\d+)", START).group(1));
      limitedTransfer.stop();
      source.faults().unlimitRate();
      LabProcess freeTransfer = source.start("bulk", bulk);
      double unlimited = Double.parseDouble(rates.awaitLine("rate 2 (\\d+)", START).group(1));
      freeTransfer.stop();

      assertTrue(limited < 2e6, "capped at 1 Mbit/s, measured " + limited / 1e6 + " Mbit/s over 3 s");
      assertTrue(limited > 0.5e6, "but still moving: " + limited / 1e6 + " Mbit/s");
      assertTrue(unlimited > 20e6, "uncapped, veth moves far more: " + unlimited / 1e6 + " Mbit/s");
    }
  }

  @Test
  void awaitLineFailsAtOnceWhenTheProcessExitsAndQuotesItsOutputFiles() throws IOException {
    try (NetLab lab = NetLab.create("process-exit")) {
      Host alice = lab.host("alice");
      LabProcess p = alice.start("short", "sh", "-c", "echo to stdout; echo to stderr >&2; exit 3");
      assertEquals("err", p.awaitLine("to std(err)", START).group(1), "lines on stderr count too");

      long start = System.nanoTime();
      LineNotSeenException e = assertThrows(LineNotSeenException.class,
          () -> p.awaitLine("never printed", Duration.ofSeconds(60)));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "did not wait out the timeout");
      assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
      assertTrue(e.getMessage().contains(p.stdoutFile() + ":\n  to stdout"), e.getMessage());

      assertTrue(p.stdoutFile().startsWith(lab.logDirectory()), p.stdoutFile().toString());
      assertTrue(lab.logDirectory().startsWith(Path.of("target", "netlab").toAbsolutePath()));
      assertEquals("to stdout\n", Files.readString(p.stdoutFile()));
      assertEquals("to stderr\n", Files.readString(p.stderrFile()));
    }
  }

  @Test
  void stopSendsTermAndThenKillToAProcessThatIgnoresTerm() {
    try (NetLab lab = NetLab.create("process-stop")) {
      Host alice = lab.host("alice");
      LabProcess polite = alice.start("polite", "sleep", "600");
      LabProcess stubborn = alice.start("stubborn", "sh", "-c", "trap '' TERM; echo ready; exec sleep 600");
      stubborn.awaitLine("ready", START);

      assertEquals(128 + 15, polite.stop(), "killed by SIGTERM");
      long start = System.nanoTime();
      assertEquals(128 + 9, stubborn.stop(Duration.ofMillis(500)), "killed by SIGKILL after the grace period");
      long elapsed = System.nanoTime() - start;
      assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(500) && elapsed < TimeUnit.SECONDS.toNanos(5),
          elapsed / 1e6 + " ms");
    }
  }

  @Test
  void closingTheLabKillsItsProcessesAndDeletesItsNamespaces() {
    NetLab lab = NetLab.create("close");
    List<String> namespaces;
    LabProcess sleeper;
    long daemon;
    try (lab) {
      Host alice = lab.host("alice");
      Host inner = lab.natRouter("dmz", Firewall.NONE).host("inner");
      sleeper = alice.start("sleeper", "sleep", "600");
      // A daemon: its shell exits at once, so the sleep is no longer the lab's child, only in its namespace.
      LabProcess shell = inner.start("daemonize", "sh", "-c", "sleep 600 >/dev/null 2>&1 & echo daemon $!");
      daemon = Long.parseLong(shell.awaitLine("daemon (\\d+)", START).group(1));
      namespaces = lab.namespaces();
      assertEquals(4, namespaces.size(), "internet, alice, dmz, inner: " + namespaces);
      assertTrue(namespaceList().containsAll(namespaces));
      assertTrue(running(daemon));
    }
    assertFalse(sleeper.isAlive());
    awaitTrue(() -> !running(daemon), "the daemon in the lab's namespace was killed");
    assertTrue(Collections.disjoint(namespaceList(), namespaces), namespaceList().toString());
    assertThrows(IllegalStateException.class, () -> lab.host("late"));
    lab.close();
  }

  @Test
  void theNextLabRemovesTheNamespacesAndProcessesOfACrashedRun() throws Exception {
    Process crashed = new ProcessBuilder(JavaMain.of(CrashedRun.class).withJvmOptions("-XX:TieredStopAtLevel=1").command())
        .redirectErrorStream(true).start();
    String[] ready;
    try {
      ready = readyLine(crashed).split(" ");
    } finally {
      crashed.destroyForcibly(); // SIGKILL: neither close() nor the shutdown hook runs
      crashed.waitFor();
    }
    String namespace = ready[1];
    long sleeper = Long.parseLong(ready[2]);
    assertTrue(namespaceList().contains(namespace), "the crashed run left " + namespace);
    assertTrue(running(sleeper), "and its process, now nobody's child");

    try (NetLab next = NetLab.create("after-crash")) {
      assertFalse(namespaceList().contains(namespace), namespaceList().toString());
      awaitTrue(() -> !running(sleeper), "the crashed run's process was killed");
      assertEquals("203.0.113.10", ip(next.host("alice")), "and the new lab works");
    }
  }

  private static String readyLine(Process process) throws Exception {
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      StringBuilder output = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("ready ")) {
            return line;
          }
          output.append(line).append('\n');
        }
      } catch (IOException e) {
        output.append(e);
      }
      throw new IllegalStateException("the crashed run ended without getting ready:\n" + output);
    });
    return ready.get(START.toSeconds(), TimeUnit.SECONDS);
  }

  /** socat echoing every TCP connection on this port, once it listens; it logs each peer on stderr. */
  private static LabProcess startTcpEcho(Host host, int port) {
    LabProcess echo = host.start("tcp-echo", "socat", "-d", "-d", "TCP4-LISTEN:" + port + ",fork,reuseaddr", "PIPE");
    echo.awaitLine("listening on .*:" + port, START);
    return echo;
  }

  /** Sends text with socat from the host and returns what came back within {@link #SOCAT_REPLY_WAIT} s. */
  private static String socat(Host from, String text, String address) {
    return from.exec("sh", "-c", "printf %s \"$1\" | socat -t " + SOCAT_REPLY_WAIT + " - \"$2\"", "sh", text, address)
        .orThrow().stdout();
  }

  private static List<String> namespaceList() {
    try {
      Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      return out.lines().map(line -> line.split(" ", 2)[0]).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Running, not merely a zombie that nobody reaped (an orphan's reaper here may be slow or absent). */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static String ip(Host host) {
    return host.address().getHostAddress();
  }

  private static InetSocketAddress at(Host host, int port) {
    return new InetSocketAddress(host.address(), port);
  }
}
