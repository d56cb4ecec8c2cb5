package com.oversoc.mesh.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.TransportEvent.ConnectionClosed;
import com.oversoc.mesh.protocol.transport.TransportEvent.PacketDropped;
import com.oversoc.mesh.protocol.transport.TransportEvent.StreamClosed;
import com.oversoc.mesh.protocol.transport.TransportEvent.StreamOpenAnswered;
import com.oversoc.mesh.protocol.transport.TransportEvent.StreamOpened;
import com.oversoc.mesh.protocol.transport.TransportEvent.StreamReset;
import com.oversoc.mesh.protocol.transport.TransportEvent.StreamStopped;
import com.oversoc.mesh.protocol.transport.frame.Frame;
import com.oversoc.mesh.protocol.transport.frame.FrameDecoder;
import com.oversoc.mesh.protocol.transport.frame.FrameError;
import com.oversoc.mesh.protocol.transport.frame.FrameException;
import com.oversoc.mesh.protocol.transport.frame.PacketHeader;
import com.oversoc.mesh.protocol.transport.frame.StreamFrame;
import com.oversoc.mesh.protocol.transport.frame.StreamOpenFrame;
import com.oversoc.mesh.protocol.transport.frame.StreamOpenResultFrame;
import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionTest {
  static final long SECOND = 1_000_000_000L;
  static final IpLiteral TARGET = IpLiteral.parse("10.0.1.50");

  final ConnectionPair pair = new ConnectionPair();

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static String readAll(Connection c, long stream, long now) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    while (true) {
      buf.clear();
      int n = c.read(stream, buf, now);
      if (n <= 0) {
        return out.toString(StandardCharsets.UTF_8) + (n < 0 ? "<EOF>" : "");
      }
      out.write(buf.array(), 0, n);
    }
  }

  long openAndAccept() throws StreamOpenException {
    long id = pair.platform.openStream(TARGET, 8443, pair.now());
    pair.settle();
    StreamOpened opened = pair.events(false, StreamOpened.class).getLast();
    pair.gateway.answerOpen(opened.streamId(), StreamOpenResult.OK, pair.now());
    pair.settle();
    return id;
  }

  @Test
  void platformOpensGatewayAcceptsAndBothDirectionsCarryBytesToTheEnd() throws Exception {
    long id = pair.platform.openStream(TARGET, 8443, pair.now());
    pair.platform.write(id, text("GET / HTTP/1.1\r\n\r\n"), pair.now());
    pair.platform.finish(id, pair.now());
    pair.settle();

    assertEquals(List.of(new StreamOpened(id, TARGET, 8443)), pair.events(false, StreamOpened.class));
    assertThrows(StreamStateException.class, () -> pair.gateway.read(id, ByteBuffer.allocate(10), pair.now()),
        "nothing is readable before the gateway accepts");
    pair.gateway.answerOpen(id, StreamOpenResult.OK, pair.now());
    assertEquals("GET / HTTP/1.1\r\n\r\n<EOF>", readAll(pair.gateway, id, pair.now()));
    pair.gateway.write(id, text("HTTP/1.1 200 OK\r\n\r\n"), pair.now());
    pair.gateway.finish(id, pair.now());
    pair.settle();

    assertEquals(List.of(new StreamOpenAnswered(id, StreamOpenResult.OK)), pair.events(true, StreamOpenAnswered.class));
    assertEquals("HTTP/1.1 200 OK\r\n\r\n<EOF>", readAll(pair.platform, id, pair.now()));
    pair.settle();
    assertEquals(List.of(new StreamClosed(id)), pair.events(true, StreamClosed.class));
    assertEquals(List.of(new StreamClosed(id)), pair.events(false, StreamClosed.class));
    assertEquals(0, pair.platform.streamCount());
    assertEquals(0, pair.gateway.streamCount());
    assertEquals(1, pair.platform.openStream(TARGET, 8443, pair.now()), "ids are never reused");
  }

  @Test
  void theGatewaySideCannotOpenStreams() {
    StreamOpenException e = assertThrows(StreamOpenException.class,
        () -> pair.gateway.openStream(TARGET, 22, pair.now()));
    assertEquals(StreamOpenResult.WRONG_DIRECTION, e.result());
  }

  @Test
  void thePlatformRefusesAStreamOpenFromTheGatewayWithATypedError() throws FrameException {
    ByteBuffer forged = ByteBuffer.allocate(100);
    PacketHeader.write(forged, pair.platform.connectionId(), 1_000);
    StreamOpenFrame.of(0, TARGET, 22).encode(forged);
    pair.injectToPlatform(java.util.Arrays.copyOf(forged.array(), forged.position()));
    // The forged packet number was never sent by the real gateway: keep the platform's answer
    // (which acknowledges it) from reaching it, and look at what the platform sent.
    pair.drop = (toGateway, d) -> toGateway;
    pair.settle();
    assertEquals(0, pair.platform.streamCount());
    boolean refused = false;
    for (byte[] d : pair.sentByPlatform) {
      for (Frame f : FrameDecoder.decodePacket(ByteBuffer.wrap(d))) {
        refused |= f.equals(new StreamOpenResultFrame(0, StreamOpenResult.WRONG_DIRECTION.wire()));
      }
    }
    assertTrue(refused, "the platform answered WRONG_DIRECTION");
    assertTrue(!pair.platform.isClosed());
  }

  @Test
  void hostNamesAndBadPortsAreRefusedBeforeAnythingIsSent() {
    assertEquals(StreamOpenResult.NOT_AN_IP_LITERAL, assertThrows(StreamOpenException.class,
        () -> pair.platform.openStream("api.example.com", 443, pair.now())).result());
    assertEquals(StreamOpenResult.INVALID_PORT, assertThrows(StreamOpenException.class,
        () -> pair.platform.openStream(TARGET, 0, pair.now())).result());
    assertEquals(0, pair.platform.streamCount());
  }

  @Test
  void aGatewayRefusalReachesThePlatformAndBothSidesForgetTheStream() throws Exception {
    long id = pair.platform.openStream(TARGET, 8443, pair.now());
    pair.platform.write(id, text("early bytes"), pair.now());
    pair.settle();
    pair.gateway.answerOpen(id, StreamOpenResult.POLICY_DENIED, pair.now());
    pair.settle();
    assertEquals(List.of(new StreamOpenAnswered(id, StreamOpenResult.POLICY_DENIED)),
        pair.events(true, StreamOpenAnswered.class));
    assertEquals(0, pair.platform.streamCount());
    assertEquals(0, pair.gateway.streamCount());
    assertThrows(StreamStateException.class, () -> pair.platform.write(id, text("more"), pair.now()));
  }

  @Test
  void resetAndStopSendingReachThePeerWithTheirCodes() throws Exception {
    long a = openAndAccept();
    pair.platform.write(a, text("partial"), pair.now());
    pair.platform.reset(a, StreamErrorCode.CANCELLED, pair.now());
    pair.settle();
    assertEquals(List.of(new StreamReset(a, StreamErrorCode.CANCELLED)), pair.events(false, StreamReset.class));

    long b = openAndAccept();
    pair.gateway.stopSending(b, StreamErrorCode.PEER_RESET, pair.now());
    pair.settle();
    assertEquals(List.of(new StreamStopped(b, StreamErrorCode.PEER_RESET)), pair.events(true, StreamStopped.class));
    assertThrows(StreamStateException.class, () -> pair.platform.write(b, text("x"), pair.now()));
  }

  @Test
  void aSilentPeerClosesTheConnectionAfterTheIdleTimeout() {
    pair.drop = (toGateway, d) -> true;
    pair.run(TransportDefaults.IDLE_TIMEOUT.toNanos() + SECOND);
    ConnectionClosed closed = pair.events(true, ConnectionClosed.class).getFirst();
    assertEquals(ConnectionError.IDLE_TIMEOUT, closed.error());
    assertTrue(pair.platform.isClosed());
  }

  @Test
  void keepalivesHoldAConnectionWithStreamsOpenWhileAnIdleStreamIsReset() throws Exception {
    ConnectionPair p = new ConnectionPair(TransportConfig.defaults().withTimeouts(
        Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    long id = p.platform.openStream(TARGET, 80, p.now());
    p.settle();
    p.gateway.answerOpen(id, StreamOpenResult.OK, p.now());
    p.run(12 * SECOND);
    assertTrue(!p.platform.isClosed() && !p.gateway.isClosed(), "keepalives kept the connection");
    assertEquals(List.of(new StreamReset(id, StreamErrorCode.IDLE_TIMEOUT)), p.events(true, StreamReset.class));
    p.run(2 * SECOND);
    assertEquals(0, p.platform.streamCount());
    assertEquals(0, p.gateway.streamCount());
  }

  @Test
  void anUnansweredOpenTimesOut() throws Exception {
    long id = pair.platform.openStream(TARGET, 8443, pair.now());
    pair.run(TransportDefaults.OPEN_TIMEOUT.toNanos() + 2 * SECOND);
    assertEquals(List.of(new StreamOpenAnswered(id, StreamOpenResult.TIMEOUT)),
        pair.events(true, StreamOpenAnswered.class));
  }

  @Test
  void malformedAndForeignDatagramsAreDroppedTypedAndTheConnectionCarriesOn() throws Exception {
    pair.injectToGateway(new byte[] {1, 2, 3});
    ByteBuffer foreign = ByteBuffer.allocate(20);
    PacketHeader.write(foreign, pair.platform.connectionId() + 1, 0);
    foreign.put((byte) 1);
    pair.injectToGateway(java.util.Arrays.copyOf(foreign.array(), foreign.position()));
    pair.settle();
    List<FrameError> errors = pair.events(false, PacketDropped.class).stream().map(PacketDropped::error).toList();
    assertEquals(List.of(FrameError.PACKET_TOO_SHORT, FrameError.UNKNOWN_CONNECTION), errors);
    long id = openAndAccept();
    pair.platform.write(id, text("still fine"), pair.now());
    pair.settle();
    assertEquals("still fine", readAll(pair.gateway, id, pair.now()));
  }

  @Test
  void sendingBeyondCreditClosesTheConnectionWithFlowControlError() {
    ByteBuffer forged = ByteBuffer.allocate(200);
    PacketHeader.write(forged, pair.platform.connectionId(), 5_000);
    new StreamFrame(0, 10L << 20, false, ByteBuffer.allocate(100)).encode(forged);
    pair.injectToGateway(java.util.Arrays.copyOf(forged.array(), forged.position()));
    pair.settle();
    assertEquals(ConnectionError.FLOW_CONTROL_ERROR, pair.events(false, ConnectionClosed.class).getFirst().error());
    ConnectionClosed atPlatform = pair.events(true, ConnectionClosed.class).getFirst();
    assertEquals(ConnectionError.FLOW_CONTROL_ERROR, atPlatform.error());
    assertTrue(atPlatform.byPeer());
  }

  @Test
  void streamCreditLimitsOpensUntilTheGatewayGrantsMore() throws Exception {
    for (int i = 0; i < TransportSpec.INITIAL_MAX_STREAMS; i++) {
      assertEquals(i, pair.platform.openStream(TARGET, 443, pair.now()));
    }
    assertEquals(StreamOpenResult.TOO_MANY_STREAMS, assertThrows(StreamOpenException.class,
        () -> pair.platform.openStream(TARGET, 443, pair.now())).result());
    pair.settle();
    assertEquals(TransportSpec.INITIAL_MAX_STREAMS, pair.platform.openStream(TARGET, 443, pair.now()),
        "the gateway's MAX_STREAMS raised the limit");
  }

  @Test
  void closeReachesThePeerWithItsReason() {
    pair.platform.close(ConnectionError.NO_ERROR, "shutting down", pair.now());
    pair.settle();
    ConnectionClosed closed = pair.events(false, ConnectionClosed.class).getFirst();
    assertEquals(new ConnectionClosed(ConnectionError.NO_ERROR, "shutting down", true), closed);
  }

  @Test
  void bytesSurviveHeavyLossInBothDirections() throws Exception {
    SplittableRandom random = new SplittableRandom(9);
    long id = openAndAccept();
    pair.drop = (toGateway, d) -> random.nextInt(3) == 0;
    byte[] data = new byte[1 << 20];
    random.nextBytes(data);
    ByteBuffer src = ByteBuffer.wrap(data);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(65536);
    boolean eof = false;
    for (int step = 0; step < 10_000 && !eof; step++) {
      if (src.hasRemaining()) {
        pair.platform.write(id, src, pair.now());
        if (!src.hasRemaining()) {
          pair.platform.finish(id, pair.now());
        }
      }
      pair.run(50_000_000L);
      int n;
      while ((n = pair.gateway.read(id, buf.clear(), pair.now())) > 0) {
        got.write(buf.array(), 0, n);
      }
      eof = n < 0;
    }
    assertTrue(eof, "the stream ended");
    assertArrayEquals(data, got.toByteArray());
    assertTrue(pair.platform.stats().packetsLost() > 0);
  }

  @Test
  void aGatewayThatLostTheConnectionClosesItStatelesslyAndThePlatformTakesThatDespiteItsPacketNumbers()
      throws Exception {
    long id = openAndAccept();
    pair.gateway.write(id, text("lots of data the platform numbered"), pair.now());
    pair.settle();
    // A restarted gateway knows nothing of the connection: packets from its middle are not a new one.
    ByteBuffer midway = ByteBuffer.allocate(PacketHeader.SIZE);
    PacketHeader.write(midway, pair.platform.connectionId(), TransportSpec.NEW_CONNECTION_PACKETS);
    assertTrue(!Connection.mayStartConnection(midway.flip()));
    ByteBuffer first = ByteBuffer.allocate(PacketHeader.SIZE);
    PacketHeader.write(first, pair.platform.connectionId(), 0);
    assertTrue(Connection.mayStartConnection(first.flip()));

    pair.injectToPlatform(Connection.statelessClose(pair.platform.connectionId(), "restarted"));
    pair.settle();
    assertTrue(pair.platform.isClosed());
    ConnectionClosed closed = pair.events(true, ConnectionClosed.class).getLast();
    assertEquals(new ConnectionClosed(ConnectionError.UNKNOWN_CONNECTION, "restarted", true), closed);
  }

  @Test
  void aStatelessCloseForAnotherConnectionIsDropped() {
    pair.injectToPlatform(Connection.statelessClose(pair.platform.connectionId() + 1, "not yours"));
    pair.settle();
    assertTrue(!pair.platform.isClosed());
    assertEquals(FrameError.UNKNOWN_CONNECTION, pair.events(true, PacketDropped.class).getLast().error());
  }
}
