package com.oversoc.mesh.node.e2e;

import static com.oversoc.mesh.node.e2e.MeshLab.DIRECT_PORT;
import static com.oversoc.mesh.node.e2e.MeshLab.GATEWAY;
import static com.oversoc.mesh.node.e2e.MeshLab.PLATFORM;
import static com.oversoc.mesh.node.e2e.MeshLab.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.node.netlab.LabProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The mesh as it is deployed, in network namespaces, with every node a separate {@code ovsgw}
 * process: the platform on a public address with UDP 41641 open, the gateway behind the
 * customer's NAT router and outbound-only firewall. Each test prints the figures it measured.
 */
class MeshNamespaceTest {
  private static final long MIB = 1L << 20;
  /** The relays' admission grace period: the shortest the configuration accepts. */
  private static final Duration RELAY_GRACE = Duration.ofSeconds(10);
  /** Generous: four JVMs share two cores while they start. */
  private static final Duration DIRECT_WITHIN = Duration.ofSeconds(30);
  /** The promise: a relayed peer moves to direct within a minute of UDP working. */
  private static final Duration UPGRADE_WITHIN = Duration.ofSeconds(60);
  /** A transfer read this fast lasts a minute per 256 MiB: long enough for a path to change under it. */
  private static final long PACED_RATE = 4L << 20;

  @Test
  void theSeedDeploymentGoesDirectThroughTheCustomersNatAndFirewall() {
    try (MeshLab mesh = MeshLab.start("seed-direct", MeshLab.Options.defaults().withRelayGrace(RELAY_GRACE))) {
      // Sessions start with traffic: the first stream makes the platform's handshake, and the
      // path probes inside the session find the direct path.
      long start = System.nanoTime();
      assertIntact(mesh.fetch(MIB, 0), MIB, Duration.ofSeconds(60));
      // The platform reaches the gateway at the DMZ router's public address (MASQUERADE kept the port).
      MatchResult path = mesh.platform().awaitLine(
          "peer " + GATEWAY + ": path udp:" + Pattern.quote(ip(mesh.dmz())) + ":(\\d+) ", DIRECT_WITHIN);
      System.out.println("platform -> gateway direct through the DMZ's NAT and firewall "
          + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms after the first stream started (port "
          + path.group(1) + ")");
      mesh.gateway().awaitLine("peer " + PLATFORM + ": path udp:" + Pattern.quote(mesh.platformPublicIp()) + ":"
          + DIRECT_PORT + " ", DIRECT_WITHIN);

      assertIntact(mesh.fetch(256 * MIB, 0), 256 * MIB, Duration.ofSeconds(180));

      // The coordinator goes away and stays away, past the relay's grace period (the relay now
      // admits nobody new): the nodes go on from the maps they have, also across a restart of
      // the gateway, which then has the direct path only.
      mesh.stopCoordinator();
      sleep(RELAY_GRACE.plusSeconds(2));
      assertIntact(mesh.fetch(4 * MIB, 0), 4 * MIB, Duration.ofSeconds(60));
      LabProcess first = mesh.gateway();
      LabProcess gateway = mesh.restartGateway();
      assertTrue(first.stderr().contains("gateway " + GATEWAY + " stopping: 0 handshake initiations sent"),
          "a gateway never starts a handshake: " + lines(first, "stopping"));
      gateway.awaitLine("serving 1 peers from the cached map", MeshLab.START);
      long restarted = System.nanoTime();
      fetchUntilIntact(mesh, 4 * MIB, Duration.ofSeconds(90));
      System.out.println("coordinator down, relay past its grace: after the gateway restarted, the first intact "
          + "transfer ended " + Duration.ofNanos(System.nanoTime() - restarted).toMillis() + " ms later");
      mesh.platform().awaitLine("peer " + GATEWAY + ": path udp:" + Pattern.quote(ip(mesh.dmz())) + ":", MeshLab.START);
      assertTrue(mesh.platform().isAlive() && gateway.isAlive(), "both nodes run on without their coordinator");
    }
  }

  /** Fetches until one transfer arrives intact (streams opened while a session is being remade may fail). */
  private static void fetchUntilIntact(MeshLab mesh, long bytes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int attempt = 1; ; attempt++) {
      LabProcess fetch = mesh.fetch(bytes, 0);
      if (fetch.awaitLine("^(done|failed) ", timeout).group(1).equals("done")) {
        assertIntact(fetch, bytes, Duration.ofSeconds(1));
        System.out.println("intact on attempt " + attempt);
        return;
      }
      assertTrue(System.nanoTime() < deadline, "no intact transfer within " + timeout + "; last: " + fetch.stdout());
    }
  }

  @Test
  void throughTheRelaysWhileUdpIsBlockedAcrossTheLossOfTheHomeRelayThenDirectOnceUdpIsBack() {
    try (MeshLab mesh = MeshLab.start("relay-path", MeshLab.Options.defaults().withRelays(2).withDmzUdpBlocked())) {
      LabProcess.Follower platformLog = mesh.platform().follow();
      // Only TCP leaves the DMZ: the gateway's netcheck hears no STUN answer, and streams take the relays.
      mesh.gateway().awaitLine("netcheck: UDP blocked", MeshLab.START);
      assertIntact(mesh.fetch(MIB, 0), MIB, Duration.ofSeconds(60));
      assertEquals(List.of(), lines(mesh.platform(), "peer " + GATEWAY + ": path udp:" + ip(mesh.dmz()) + ":"),
          "no direct path with UDP blocked");

      // The gateway's relay dies in the middle of 256 MiB: both ends reconnect, the gateway to the
      // region's other relay, and the transport retransmits what was lost with it.
      String gatewayRelay = mesh.gateway().awaitLine("relay \\S+: admitted by ([0-9.]+):", MeshLab.START).group(1);
      MeshLab.Relay home = mesh.relays().stream().filter(r -> ip(r.host()).equals(gatewayRelay)).findFirst().orElseThrow();
      MeshLab.Relay other = mesh.relays().stream().filter(r -> r != home).findFirst().orElseThrow();
      LabProcess.Follower gatewayLog = mesh.gateway().follow();
      LabProcess big = mesh.fetch(256 * MIB, 0);
      awaitProgress(big.follow(), 64 * MIB);
      home.process().kill();
      long killed = System.nanoTime();
      gatewayLog.await("relay \\S+: admitted by " + Pattern.quote(ip(other.host())) + ":", Duration.ofSeconds(30));
      System.out.println("relay " + ip(home.host()) + " killed; the gateway was admitted by " + ip(other.host())
          + " after " + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms");
      assertIntact(big, 256 * MIB, Duration.ofSeconds(180));
      System.out.println("longest silence of the 256 MiB transfer: " + longestGap(big) + " ms");

      // UDP comes back in the middle of a transfer: the path moves to direct, the transfer goes on.
      LabProcess paced = mesh.fetch(256 * MIB, PACED_RATE);
      awaitProgress(paced.follow(), 8 * MIB);
      mesh.dmz().faults().unblockUdp();
      long unblocked = System.nanoTime();
      platformLog.await("peer " + GATEWAY + ": path udp:" + Pattern.quote(ip(mesh.dmz())) + ":", UPGRADE_WITHIN);
      System.out.println("UDP unblocked; the platform's path to the gateway was direct after "
          + Duration.ofNanos(System.nanoTime() - unblocked).toMillis() + " ms");
      assertTrue(paced.isAlive() && !paced.stdout().contains("done"), "the transfer was still going when the path changed");
      assertIntact(paced, 256 * MIB, Duration.ofSeconds(180));

      // The platform is revoked during a transfer: its stream is cut, it stops, the gateway drops it.
      String platformId = mesh.platform().awaitLine("enrolled as node (\\d+)", MeshLab.START).group(1);
      LabProcess cut = mesh.fetch(256 * MIB, PACED_RATE);
      awaitProgress(cut.follow(), 4 * MIB);
      long revokeCalled = System.currentTimeMillis();
      mesh.admin("nodes", "revoke", platformId, "--reason", "namespace test");
      long revokeReturned = System.currentTimeMillis();
      MatchResult failed = cut.awaitLine("^failed \\d+ (\\d+) ", Duration.ofSeconds(30));
      long cutAt = Long.parseLong(failed.group(1));
      System.out.println("platform revoked: the stream was cut " + (cutAt - revokeReturned) + " ms after ovsgw admin "
          + "nodes revoke returned (the call took " + (revokeReturned - revokeCalled) + " ms with its JVM's start)");
      assertTrue(cutAt - revokeReturned < 1000, "cut " + (cutAt - revokeReturned) + " ms after the revocation");
      assertEquals(Optional.of(1), mesh.platform().awaitExit(Duration.ofSeconds(30)), "a revoked platform exits 1");
      mesh.gateway().awaitLine("peer " + PLATFORM + " \\(\\S+\\) removed", Duration.ofSeconds(10));
    }
  }

  /** Waits for a fetch to finish and checks what it received; returns how long it took from its start line. */
  private static Duration assertIntact(LabProcess fetch, long bytes, Duration timeout) {
    MatchResult done = fetch.awaitLine("^(done|failed) (\\d+) (\\S+) ?(\\d*)", timeout);
    assertEquals("done", done.group(1), "fetch of " + bytes + " bytes: " + fetch.stdout());
    assertEquals(Long.toString(bytes), done.group(2));
    assertEquals(MeshLab.expectedSha256(bytes), done.group(3), "SHA-256 of " + bytes + " bytes");
    long started = Long.parseLong(fetch.awaitLine("^start (\\d+)", Duration.ofSeconds(1)).group(1));
    Duration took = Duration.ofMillis(Long.parseLong(done.group(4)) - started);
    System.out.printf("fetched %d MiB intact in %d ms (%.0f Mbit/s)%n", bytes / MIB, took.toMillis(),
        bytes * 8.0 / 1e6 / Math.max(took.toMillis(), 1) * 1000);
    return took;
  }

  /** Waits until a fetch reports at least {@code bytes}. */
  private static void awaitProgress(LabProcess.Follower fetch, long bytes) {
    while (Long.parseLong(fetch.await("^progress (\\d+) ", Duration.ofSeconds(120)).group(1)) < bytes) {
      // on to the next progress line
    }
  }

  /** The longest time between two lines of a fetch's output, in milliseconds. */
  private static long longestGap(LabProcess fetch) {
    long longest = 0;
    long previous = -1;
    for (String line : fetch.stdout().lines().toList()) {
      String[] f = line.split(" ");
      long at = Long.parseLong(switch (f[0]) {
        case "start" -> f[1];
        case "done" -> f[3];
        default -> f[2];
      });
      if (previous >= 0) {
        longest = Math.max(longest, at - previous);
      }
      previous = at;
    }
    return longest;
  }

  private static List<String> lines(LabProcess process, String text) {
    return (process.stdout() + process.stderr()).lines().filter(l -> l.contains(text)).toList();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
