package com.oversoc.mesh.relay.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.protocol.stun.StunResponder;
import com.oversoc.mesh.protocol.stun.StunTransaction;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class StunServerTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  static StunServer start(RelayMetrics metrics) {
    return StunServer.start(KIT.system(), new InetSocketAddress("127.0.0.1", 0), metrics, "ovsgw test")
        .toCompletableFuture().join();
  }

  @Test
  void ourClientLearnsItsAddressFromOurServer() throws IOException {
    RelayMetrics metrics = new RelayMetrics();
    StunServer server = start(metrics);
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      StunTransaction.Outcome o = StunProbe.run(socket, server.localAddress(), Duration.ofMillis(200), 5);
      StunTransaction.Succeeded s = assertInstanceOf(StunTransaction.Succeeded.class, o);
      assertEquals(StunServer.transport((InetSocketAddress) socket.getLocalSocketAddress()), s.mapped());
    } finally {
      server.stop().toCompletableFuture().join();
    }
    assertTrue(metrics.stunCount(StunResponder.Outcome.ANSWERED) >= 1);
  }

  @Test
  void garbageIsCountedAndTheServerKeepsAnswering() throws IOException {
    RelayMetrics metrics = new RelayMetrics();
    StunServer server = start(metrics);
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      byte[] junk = "not stun at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(junk, junk.length, server.localAddress()));
      assertInstanceOf(StunTransaction.Succeeded.class,
          StunProbe.run(socket, server.localAddress(), Duration.ofMillis(200), 5));
      assertEquals(1, metrics.stunCount(StunResponder.Outcome.MALFORMED));
    } finally {
      server.stop().toCompletableFuture().join();
    }
  }

  @Test
  void aTakenPortIsATypedError() throws IOException {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
          () -> StunServer.start(KIT.system(), (InetSocketAddress) taken.getLocalSocketAddress(), new RelayMetrics(),
              "ovsgw").toCompletableFuture().join());
      assertInstanceOf(IOException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("cannot bind STUN"), e.getCause().getMessage());
    }
  }
}
