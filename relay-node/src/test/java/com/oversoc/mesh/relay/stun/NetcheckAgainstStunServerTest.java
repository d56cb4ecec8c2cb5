package com.oversoc.mesh.relay.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.netcheck.NetcheckClient;
import com.oversoc.mesh.actors.path.UdpDatagramPort;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.netcheck.Report;
import com.oversoc.mesh.protocol.stun.StunResponder;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A node's netcheck, over the node's real UDP socket, against the relay's real STUN server on loopback. */
class NetcheckAgainstStunServerTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aRoundOverTheNodesSocketReportsThatSocketsEndpointAndALatency() throws Exception {
    RelayMetrics metrics = new RelayMetrics();
    StunServer server = StunServer.start(KIT.system(), new InetSocketAddress("127.0.0.1", 0), metrics, "ovsgw test")
        .toCompletableFuture().join();
    BlockingQueue<byte[]> toWireGuard = new LinkedBlockingQueue<>();
    BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (UdpDatagramPort udp = UdpDatagramPort.bind(loopback, "node")) {
      udp.setReceiver((from, d) -> toWireGuard.add(d));
      try (NetcheckClient netcheck = NetcheckClient.start(KIT.system(), "node", udp, reports::add)) {
        netcheck.relayMapChanged(RelayMap.newBuilder().addRegions(RelayRegion.newBuilder().setRegionId(1)
            .setCode("local").addServers(RelayServer.newBuilder().setHost("127.0.0.1").setPort(443)
                .setStunPort(server.localAddress().getPort()).setPublicKey(ByteString.copyFrom(new byte[32]))))
            .build());
        Report r = reports.poll(10, TimeUnit.SECONDS);
        assertNotNull(r, "a report");

        assertEquals(Report.UdpStatus.WORKS, r.udp());
        assertEquals(List.of("127.0.0.1:" + udp.localAddress().getPort()),
            r.mappedEndpoints().stream().map(Object::toString).toList());
        Report.RegionResult local = r.region(1).orElseThrow();
        assertEquals(3, local.answered());
        Duration latency = local.latency().orElseThrow();
        assertTrue(latency.compareTo(Duration.ZERO) > 0 && latency.compareTo(Duration.ofSeconds(1)) < 0,
            latency.toString());
        assertEquals(1, r.home().orElseThrow().region());
        assertEquals(3, metrics.stunCount(StunResponder.Outcome.ANSWERED));
        assertEquals(3, udp.diverted());
        assertNull(toWireGuard.poll(100, TimeUnit.MILLISECONDS), "no STUN answer reached WireGuard");
        System.out.println("netcheck against the relay's STUN server: " + r.summary());
      }
    } finally {
      server.stop().toCompletableFuture().join();
    }
  }
}
