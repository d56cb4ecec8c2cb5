package com.oversoc.mesh.node.netlab;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Small traffic programs the NetLab tests run inside hosts, one per process. Each prints what it
 * sees, one line per event, for {@link LabProcess#awaitLine} to wait on:
 *
 * <pre>
 *  udp-echo PORT                  "listening udp PORT"; per datagram "got IP:PORT TEXT", answered with "echo TEXT"
 *  udp-talk PORT IP:PORT...       from one socket on PORT, "hello" to each peer until it answers ("answered all"),
 *                                 then goes on printing "recv IP:PORT TEXT" for every datagram that arrives
 *  udp-count PORT                 "listening udp PORT"; counts datagrams until one says "end", then "count N"
 *  udp-send IP PORT COUNT         COUNT datagrams, one a millisecond, then "sent COUNT"
 *  tcp-rate PORT WINDOW_MS...     "listening tcp PORT"; for the i-th connection, after a warm-up, reads for
 *                                 WINDOW_MS and prints "rate i BITS_PER_SECOND", then closes it
 * </pre>
 */
public final class Probe {
  private static final int RESEND_MILLIS = 200;
  private static final int MAX_DATAGRAM = 2048;
  /** Slow start and tbf's initial bucket are over by then, so the window sees the steady rate. */
  private static final long TCP_WARM_UP_MILLIS = 500;

  private Probe() {
  }

  static JavaMain udpEcho(int port) {
    return probe("udp-echo", Integer.toString(port));
  }

  static JavaMain udpTalk(int port, InetSocketAddress... peers) {
    String[] args = new String[peers.length + 2];
    args[0] = "udp-talk";
    args[1] = Integer.toString(port);
    for (int i = 0; i < peers.length; i++) {
      args[i + 2] = peers[i].getAddress().getHostAddress() + ":" + peers[i].getPort();
    }
    return probe(args);
  }

  static JavaMain udpCount(int port) {
    return probe("udp-count", Integer.toString(port));
  }

  static JavaMain udpSend(InetAddress to, int port, int count) {
    return probe("udp-send", to.getHostAddress(), Integer.toString(port), Integer.toString(count));
  }

  static JavaMain tcpRate(int port, long... windowMillis) {
    String[] args = new String[windowMillis.length + 2];
    args[0] = "tcp-rate";
    args[1] = Integer.toString(port);
    for (int i = 0; i < windowMillis.length; i++) {
      args[i + 2] = Long.toString(windowMillis[i]);
    }
    return probe(args);
  }

  private static JavaMain probe(String... args) {
    return JavaMain.of(Probe.class, args).small();
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "udp-echo" -> runUdpEcho(Integer.parseInt(rest[0]));
      case "udp-talk" -> runUdpTalk(Integer.parseInt(rest[0]), Arrays.copyOfRange(rest, 1, rest.length));
      case "udp-count" -> runUdpCount(Integer.parseInt(rest[0]));
      case "udp-send" -> runUdpSend(InetAddress.getByName(rest[0]), Integer.parseInt(rest[1]), Integer.parseInt(rest[2]));
      case "tcp-rate" -> runTcpRate(Integer.parseInt(rest[0]),
          Arrays.stream(rest, 1, rest.length).mapToLong(Long::parseLong).toArray());
      default -> throw new IllegalArgumentException("unknown probe " + args[0]);
    }
  }

  private static void runUdpEcho(int port) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(port)) {
      print("listening udp " + port);
      DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
      while (true) {
        packet.setLength(MAX_DATAGRAM);
        socket.receive(packet);
        String text = text(packet);
        print("got " + source(packet) + " " + text);
        byte[] reply = ("echo " + text).getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      }
    }
  }

  private static void runUdpTalk(int port, String[] peers) throws IOException {
    Set<InetSocketAddress> unanswered = new LinkedHashSet<>();
    for (String peer : peers) {
      int colon = peer.lastIndexOf(':');
      unanswered.add(new InetSocketAddress(InetAddress.getByName(peer.substring(0, colon)),
          Integer.parseInt(peer.substring(colon + 1))));
    }
    try (DatagramSocket socket = new DatagramSocket(port)) {
      socket.setSoTimeout(RESEND_MILLIS);
      print("bound udp " + port);
      byte[] hello = ("hello from " + port).getBytes(StandardCharsets.UTF_8);
      DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
      boolean announced = false;
      while (true) {
        for (InetSocketAddress peer : unanswered) {
          socket.send(new DatagramPacket(hello, hello.length, peer));
        }
        try {
          packet.setLength(MAX_DATAGRAM);
          socket.receive(packet);
          print("recv " + source(packet) + " " + text(packet));
          unanswered.remove((InetSocketAddress) packet.getSocketAddress());
        } catch (SocketTimeoutException e) {
          // resend to whoever has not answered
        }
        if (unanswered.isEmpty() && !announced) {
          print("answered all");
          announced = true;
        }
      }
    }
  }

  private static void runUdpCount(int port) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(port)) {
      print("listening udp " + port);
      DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
      long count = 0;
      while (true) {
        packet.setLength(MAX_DATAGRAM);
        socket.receive(packet);
        if (text(packet).equals("end")) {
          print("count " + count);
          return;
        }
        count++;
      }
    }
  }

  private static void runUdpSend(InetAddress to, int port, int count) throws IOException, InterruptedException {
    try (DatagramSocket socket = new DatagramSocket()) {
      for (int i = 1; i <= count; i++) {
        byte[] data = ("datagram " + i).getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(data, data.length, to, port));
        // Paced, so that the receiver's socket buffer never overflows: only the link may lose them.
        Thread.sleep(1);
      }
      print("sent " + count);
    }
  }

  private static void runTcpRate(int port, long[] windowsMillis) throws IOException {
    try (ServerSocket server = new ServerSocket(port)) {
      print("listening tcp " + port);
      byte[] buffer = new byte[64 * 1024];
      for (int i = 0; i < windowsMillis.length; i++) {
        try (Socket connection = server.accept(); InputStream in = connection.getInputStream()) {
          if (in.read(buffer) < 0) {
            throw new IOException("connection " + (i + 1) + " closed before any data");
          }
          long warmUpEnd = System.nanoTime() + TCP_WARM_UP_MILLIS * 1_000_000;
          while (System.nanoTime() < warmUpEnd) {
            if (in.read(buffer) < 0) {
              throw new IOException("connection " + (i + 1) + " closed during the warm-up");
            }
          }
          long start = System.nanoTime();
          long end = start + windowsMillis[i] * 1_000_000;
          long bytes = 0;
          long now = start;
          while (now < end) {
            int n = in.read(buffer);
            now = System.nanoTime();
            if (n < 0) {
              throw new IOException("connection " + (i + 1) + " closed during the measurement");
            }
            bytes += n;
          }
          print("rate " + (i + 1) + " " + Math.round(bytes * 8 * 1e9 / (now - start)));
        }
      }
    }
  }

  private static String text(DatagramPacket packet) {
    return new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
  }

  private static String source(DatagramPacket packet) {
    return packet.getAddress().getHostAddress() + ":" + packet.getPort();
  }

  private static void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
