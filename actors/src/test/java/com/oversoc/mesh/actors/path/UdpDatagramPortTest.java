package com.oversoc.mesh.actors.path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.oversoc.mesh.protocol.stun.StunCodec;
import com.oversoc.mesh.protocol.stun.StunMessage;
import com.oversoc.mesh.protocol.stun.TransactionId;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UdpDatagramPortTest {
  private static final byte[] STUN =
      StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new SplittableRandom(1))));
  /** A WireGuard transport-data header (type 4, three zero bytes) and a little payload. */
  private static final byte[] WIREGUARD = {4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};

  private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> diverted = new LinkedBlockingQueue<>();
  private UdpDatagramPort port;
  private DatagramSocket peer;

  @BeforeEach
  void open() throws IOException {
    port = UdpDatagramPort.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "test");
    port.setReceiver((from, d) -> received.add(d));
    peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void close() {
    peer.close();
    port.close();
  }

  private void sendToPort(byte[] d) throws IOException {
    peer.send(new DatagramPacket(d, d.length, port.localAddress()));
  }

  private final DatagramDiversion stunOnly = (from, d) -> {
    if (!StunCodec.looksLikeStun(d, d.length)) {
      return false;
    }
    diverted.add(d);
    return true;
  };

  @Test
  void aDiversionTakesItsProtocolAndTheReceiverGetsTheRest() throws Exception {
    port.addDiversion(stunOnly);
    sendToPort(STUN);
    sendToPort(WIREGUARD);

    assertArrayEquals(WIREGUARD, received.poll(5, TimeUnit.SECONDS));
    assertArrayEquals(STUN, diverted.poll(5, TimeUnit.SECONDS));
    assertNull(received.poll(200, TimeUnit.MILLISECONDS), "the receiver never sees the STUN datagram");
    assertEquals(2, port.received());
    assertEquals(1, port.diverted());
  }

  @Test
  void aRemovedDiversionTakesNothingMore() throws Exception {
    port.addDiversion(stunOnly);
    port.removeDiversion(stunOnly);
    sendToPort(STUN);
    assertArrayEquals(STUN, received.poll(5, TimeUnit.SECONDS));
    assertEquals(0, port.diverted());
    assertNull(diverted.poll(100, TimeUnit.MILLISECONDS));
  }

  @Test
  void aFailingDiversionLosesOneDatagramAndTheSocketKeepsReading() throws Exception {
    port.addDiversion((from, d) -> {
      if (d[0] == 9) {
        throw new IllegalStateException("a diversion bug");
      }
      return false;
    });
    sendToPort(new byte[] {9, 9, 9});
    sendToPort(WIREGUARD);
    byte[] next = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(next);
    assertArrayEquals(WIREGUARD, next);
  }
}
