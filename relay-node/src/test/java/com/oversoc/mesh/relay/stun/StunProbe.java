package com.oversoc.mesh.relay.stun;

import com.oversoc.mesh.protocol.stun.StunTransaction;
import com.oversoc.mesh.protocol.stun.TransactionId;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one {@link StunTransaction} over a real UDP socket: what a node's netcheck will do, in a
 * blocking loop good enough for tests.
 */
final class StunProbe {
  private StunProbe() {}

  /** Sends from {@code socket} to {@code server} until the transaction ends. */
  static StunTransaction.Outcome run(DatagramSocket socket, InetSocketAddress server, Duration rto, int requests)
      throws IOException {
    StunTransaction t = new StunTransaction(TransactionId.random(new SecureRandom()), rto, requests, 4);
    send(socket, server, t.start(System.nanoTime()));
    byte[] buffer = new byte[1500];
    while (!t.isDone()) {
      long wait = t.nextTickNanos() - System.nanoTime();
      if (wait > 0) {
        socket.setSoTimeout((int) Math.max(1, wait / 1_000_000));
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(p);
          t.onDatagram(p.getData(), p.getLength(), System.nanoTime());
          continue;
        } catch (SocketTimeoutException e) {
          // time for the schedule to move
        }
      }
      Optional<byte[]> again = t.onTick(System.nanoTime());
      if (again.isPresent()) {
        send(socket, server, again.get());
      }
    }
    return t.outcome();
  }

  private static void send(DatagramSocket socket, InetSocketAddress to, byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, to));
  }
}
