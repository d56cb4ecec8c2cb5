package com.oversoc.mesh.actors.netcheck;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunResponder;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STUN server on a loopback UDP socket for the netcheck's actor tests: the relay's own
 * {@link StunResponder} behind a blocking socket, counting the requests it sees, and able to
 * fall silent (a region that does not answer). The relay-node module tests the netcheck against
 * the relay's real server.
 */
final class LoopbackStunServer implements AutoCloseable {
  private final DatagramSocket socket;
  private final Thread thread;
  private final StunResponder responder = new StunResponder("loopback test", Optional.empty());
  private final AtomicInteger requests = new AtomicInteger();
  volatile boolean silent;

  LoopbackStunServer() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = Thread.ofPlatform().daemon().name("stun-" + socket.getLocalPort()).start(this::serve);
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Requests seen, answered or not. */
  int requests() {
    return requests.get();
  }

  private void serve() {
    byte[] buffer = new byte[1500];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        socket.receive(p);
        requests.incrementAndGet();
        if (silent) {
          continue;
        }
        InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
        TransportAddress source = new TransportAddress(IpLiteral.of(from.getAddress()), from.getPort());
        responder.answer(p.getData(), p.getLength(), source).reply().ifPresent(r -> {
              try {
                socket.send(new DatagramPacket(r, r.length, from));
              } catch (IOException e) {
                // a lost answer: the client retransmits
              }
            });
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
