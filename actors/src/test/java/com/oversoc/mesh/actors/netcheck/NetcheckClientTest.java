package com.oversoc.mesh.actors.netcheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.path.UdpDatagramPort;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.netcheck.NetcheckDefaults;
import com.oversoc.mesh.protocol.netcheck.Report;
import com.oversoc.mesh.protocol.netcheck.Report.Home;
import com.oversoc.mesh.protocol.stun.StunCodec;
import com.oversoc.mesh.protocol.stun.StunMessage;
import com.oversoc.mesh.protocol.stun.TransactionId;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The netcheck's actor over a real UDP socket, against loopback STUN servers, in real time. */
class NetcheckClientTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration LONG = Duration.ofHours(1);

  private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> toWireGuard = new LinkedBlockingQueue<>();
  private UdpDatagramPort udp;
  private LoopbackStunServer server;
  private NetcheckClient netcheck;

  @AfterAll
  static void stopKit() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void open() throws IOException {
    udp = UdpDatagramPort.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "netcheck-test");
    udp.setReceiver((from, d) -> toWireGuard.add(d));
    server = new LoopbackStunServer();
  }

  @AfterEach
  void close() {
    if (netcheck != null) {
      netcheck.close();
    }
    server.close();
    udp.close();
  }

  private NetcheckClient start(Duration interval, StunTargets.Resolver resolver) {
    netcheck = NetcheckClient.start(KIT.system(), "test-" + NAMES.incrementAndGet(), udp, interval, resolver,
        SystemClocks.MONOTONIC, new SecureRandom(), reports::add);
    return netcheck;
  }

  private static RelayRegion region(int id, String host, int stunPort) {
    return RelayRegion.newBuilder().setRegionId(id).setCode("r" + id).addServers(RelayServer.newBuilder()
        .setHost(host).setPort(443).setStunPort(stunPort).setPublicKey(ByteString.copyFrom(new byte[32]))).build();
  }

  private static RelayMap map(RelayRegion... regions) {
    return RelayMap.newBuilder().addAllRegions(List.of(regions)).build();
  }

  private Report nextReport(Duration within) throws InterruptedException {
    Report r = reports.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(r, "a report within " + within);
    return r;
  }

  private TransportAddress ownEndpoint() {
    return new TransportAddress(IpLiteral.parse("127.0.0.1"), udp.localAddress().getPort());
  }

  @Test
  void aRoundAtTheFirstRelayMapReportsTheSocketsOwnEndpointAndKeepsStunFromWireGuard() throws Exception {
    start(LONG, StunTargets.Resolver.SYSTEM).relayMapChanged(map(region(1, "127.0.0.1", server.port())));
    Report r = nextReport(Duration.ofSeconds(5));

    assertEquals(Report.UdpStatus.WORKS, r.udp());
    assertEquals(List.of(ownEndpoint()), r.mappedEndpoints());
    Report.RegionResult region = r.region(1).orElseThrow();
    assertEquals(3, region.answered());
    assertTrue(region.latency().orElseThrow().compareTo(Duration.ofSeconds(1)) < 0, region.toString());
    assertEquals(Optional.of(new Home(1, Home.Reason.LOWEST_LATENCY)), r.home());
    assertEquals(Optional.of(r), netcheck.lastReport());
    assertTrue(udp.diverted() >= 3, "the answers were diverted: " + udp.diverted());
    assertNull(toWireGuard.poll(100, TimeUnit.MILLISECONDS), "WireGuard saw none of them");
  }

  @Test
  void roundsRepeatEveryIntervalAndKeepTheirHome() throws Exception {
    start(Duration.ofMillis(300), StunTargets.Resolver.SYSTEM)
        .relayMapChanged(map(region(1, "127.0.0.1", server.port())));
    assertEquals(Home.Reason.LOWEST_LATENCY, nextReport(Duration.ofSeconds(5)).home().orElseThrow().reason());
    assertEquals(Home.Reason.KEPT, nextReport(Duration.ofSeconds(5)).home().orElseThrow().reason());
    assertEquals(Home.Reason.KEPT, nextReport(Duration.ofSeconds(5)).home().orElseThrow().reason());
    assertTrue(server.requests() >= 9, "three rounds of three probes: " + server.requests());
  }

  @Test
  void aChangedRelayMapStartsARoundAtOnceAndAbandonsTheOneInProgress() throws Exception {
    server.silent = true; // the first map's region would hold its round for the whole timeout
    try (LoopbackStunServer other = new LoopbackStunServer()) {
      start(LONG, StunTargets.Resolver.SYSTEM);
      long t0 = System.nanoTime();
      netcheck.relayMapChanged(map(region(1, "127.0.0.1", server.port())));
      Thread.sleep(300);
      netcheck.relayMapChanged(map(region(2, "127.0.0.1", other.port())));
      Report r = nextReport(Duration.ofSeconds(4));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertEquals(List.of(2), r.regions().stream().map(Report.RegionResult::id).toList());
      assertEquals(Optional.of(new Home(2, Home.Reason.LOWEST_LATENCY)), r.home());
      assertTrue(took.compareTo(NetcheckDefaults.ROUND_TIMEOUT) < 0, "did not wait for the first round: " + took);
      // Until well after the first round would have ended.
      long wait = NetcheckDefaults.ROUND_TIMEOUT.minus(took).plusMillis(500).toMillis();
      assertNull(reports.poll(wait, TimeUnit.MILLISECONDS), "the abandoned round never reports");
    }
  }

  @Test
  void theSameRelayMapAgainStartsNoRound() throws Exception {
    RelayMap m = map(region(1, "127.0.0.1", server.port()));
    start(LONG, StunTargets.Resolver.SYSTEM).relayMapChanged(m);
    nextReport(Duration.ofSeconds(5));
    int requests = server.requests();
    netcheck.relayMapChanged(RelayMap.newBuilder(m).build());
    assertNull(reports.poll(1, TimeUnit.SECONDS));
    assertEquals(requests, server.requests());
  }

  @Test
  void relayNamesAreResolvedAndOneThatDoesNotResolveIsLeftOut() throws Exception {
    StunTargets.Resolver resolver = host -> {
      if (host.equals("relay-a.test")) {
        return new InetAddress[] {InetAddress.getByAddress(new byte[] {127, 0, 0, 1})};
      }
      throw new UnknownHostException(host);
    };
    start(LONG, resolver)
        .relayMapChanged(map(region(1, "relay-b.test", 3478), region(2, "relay-a.test", server.port())));
    Report r = nextReport(Duration.ofSeconds(5));
    assertEquals(0, r.region(1).orElseThrow().probesSent());
    assertEquals(3, r.region(2).orElseThrow().answered());
    assertEquals(Optional.of(new Home(2, Home.Reason.LOWEST_LATENCY)), r.home());
  }

  @Test
  void withUdpBlockedTheRoundRetransmitsOnScheduleAndReportsItAfterTheTimeout() throws Exception {
    server.silent = true;
    long t0 = System.nanoTime();
    start(LONG, StunTargets.Resolver.SYSTEM).relayMapChanged(map(region(1, "127.0.0.1", server.port())));
    Report r = nextReport(NetcheckDefaults.ROUND_TIMEOUT.plusSeconds(3));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertEquals(Report.UdpStatus.BLOCKED, r.udp());
    assertEquals(Optional.of(new Home(1, Home.Reason.FIRST_REGION)), r.home());
    assertTrue(took.compareTo(NetcheckDefaults.ROUND_TIMEOUT) >= 0, "ended at the timeout: " + took);
    assertEquals(NetcheckDefaults.PROBES_PER_SERVER * NetcheckDefaults.PROBE_MAX_REQUESTS, server.requests());
  }

  @Test
  void afterCloseNoRoundRunsAndStunReachesTheReceiverAgain() throws Exception {
    start(Duration.ofMillis(200), StunTargets.Resolver.SYSTEM)
        .relayMapChanged(map(region(1, "127.0.0.1", server.port())));
    nextReport(Duration.ofSeconds(5));
    netcheck.close();
    Thread.sleep(300); // a round that had started may finish its probes
    int requests = server.requests();
    Thread.sleep(600);
    assertEquals(requests, server.requests(), "no round after close");

    byte[] stun = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new SplittableRandom(3))));
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      s.send(new DatagramPacket(stun, stun.length, udp.localAddress()));
    }
    assertArrayEquals(stun, toWireGuard.poll(5, TimeUnit.SECONDS));
  }
}
