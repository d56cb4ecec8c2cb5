package com.oversoc.mesh.relay.stun;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A one-client UDP NAT on loopback: datagrams to {@link #inside()} leave from {@link #outside()}
 * towards the server, and the server's answers come back. A STUN client behind it must report
 * the outside address, which the test knows exactly, wherever the client's own port is.
 */
final class UdpNat implements AutoCloseable {
  private final DatagramSocket inside;
  private final DatagramSocket outside;
  private final InetSocketAddress server;
  private volatile SocketAddress client;

  UdpNat(InetSocketAddress server) throws IOException {
    this.server = server;
    this.inside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.outside = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofPlatform().daemon().name("nat-out").start(() -> pump(inside, outside, true));
    Thread.ofPlatform().daemon().name("nat-in").start(() -> pump(outside, inside, false));
  }

  InetSocketAddress inside() {
    return (InetSocketAddress) inside.getLocalSocketAddress();
  }

  InetSocketAddress outside() {
    return (InetSocketAddress) outside.getLocalSocketAddress();
  }

  private void pump(DatagramSocket from, DatagramSocket to, boolean outbound) {
    byte[] buffer = new byte[2048];
    try {
      while (true) {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        from.receive(p);
        if (outbound) {
          client = p.getSocketAddress();
        }
        SocketAddress target = outbound ? server : client;
        if (target != null) {
          to.send(new DatagramPacket(p.getData(), p.getLength(), target));
        }
      }
    } catch (IOException closed) {
      // the NAT was closed
    }
  }

  @Override
  public void close() {
    inside.close();
    outside.close();
  }
}
