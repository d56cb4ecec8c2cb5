package com.oversoc.mesh.actors.wireguard.interop;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.wireguard.Device;
import com.oversoc.mesh.protocol.wireguard.DropReason;
import com.oversoc.mesh.protocol.wireguard.Keypair;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerConfig;
import com.oversoc.mesh.protocol.wireguard.PeerEvent;
import com.oversoc.mesh.protocol.wireguard.ReceiveResult;
import com.oversoc.mesh.protocol.wireguard.SourceAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * Our side of the wireguard-go interop test: a {@link Device} on a plain UDP socket, run in its
 * own network namespace (the test starts it with {@code ip netns exec}). It answers ICMP echo
 * requests addressed to its inner address, and takes one command per line on stdin, answering
 * each with one line on stdout, {@code ok ...} or {@code fail ...}:
 *
 * <pre>
 *  handshake           start a handshake and wait for the session
 *  ping SEQ            ICMP echo request to the peer's inner address; wait for the reply
 *  udp PORT TEXT       UDP datagram to the peer's inner address; wait for the same text back
 *  rekey COUNT         COUNT pings 20 ms apart with a new handshake in the middle; all must be answered
 *  flip-out SEQ        a ping with one ciphertext bit flipped (no reply expected), then a good one
 *  flip-in SEQ         a ping whose reply is first fed with one bit flipped, then as received
 *  responded           how many initiations from the peer this side has answered
 * </pre>
 */
public final class InteropPeer {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int ICMP_ID = 0x4f56;

  private final DatagramChannel channel;
  private final Selector selector;
  private final Device<InetSocketAddress> device;
  private final NodePublicKey peer;
  private final Inet4Address self;
  private final Inet4Address remote;
  private final PrintStream out;
  private final Set<Integer> echoReplies = new HashSet<>();
  private final List<String> udpReplies = new ArrayList<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(65536);
  private int sessions;
  private int initiationsAnswered;
  private boolean flipNextOutgoing;
  private boolean flipNextIncoming;
  private ReceiveResult flippedIncomingResult;

  private final Device.Output<InetSocketAddress> output = new Device.Output<>() {
    @Override
    public void transmit(InetSocketAddress to, byte[] datagram) {
      if (flipNextOutgoing && datagram[0] == 4 && datagram.length > 32) {
        flipNextOutgoing = false;
        datagram[20] ^= 0x10;
      }
      try {
        channel.send(ByteBuffer.wrap(datagram), to);
      } catch (IOException e) {
        throw new IllegalStateException("send to " + to + " failed", e);
      }
    }

    @Override
    public void deliver(Peer from, byte[] packet) {
      onPacket(packet);
    }

    @Override
    public void event(Peer p, PeerEvent event) {
      if (event instanceof PeerEvent.SessionEstablished) {
        sessions++;
      }
    }
  };

  private InteropPeer(InetSocketAddress bind, NodePrivateKey key, NodePublicKey peer, InetSocketAddress peerEndpoint,
      Inet4Address self, Inet4Address remote, PrintStream out) throws IOException {
    this.channel = DatagramChannel.open(StandardProtocolFamily.INET).bind(bind);
    channel.configureBlocking(false);
    this.selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
    SourceAddress<InetSocketAddress> addresses = new SourceAddress<>() {
      @Override
      public byte[] cookieBytes(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        byte[] b = Arrays.copyOf(ip, ip.length + 2);
        b[ip.length] = (byte) (a.getPort() >>> 8);
        b[ip.length + 1] = (byte) a.getPort();
        return b;
      }

      @Override
      public Object rateLimitKey(InetSocketAddress a) {
        return a.getAddress();
      }
    };
    this.device = new Device<>(key, new SecureRandom(), InstantSource.system(), addresses);
    this.peer = peer;
    device.addPeer(PeerConfig.of(peer));
    device.setEndpoint(peer, peerEndpoint);
    this.self = self;
    this.remote = remote;
    this.out = out;
  }

  /** Args: bind-ip bind-port private-key-file peer-public-key peer-ip peer-port self-inner-ip peer-inner-ip. */
  public static void main(String[] args) throws Exception {
    NodePrivateKey key = NodePrivateKey.parse(Files.readString(Path.of(args[2])).strip());
    InteropPeer p = new InteropPeer(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), key,
        NodePublicKey.parse(args[3]), new InetSocketAddress(InetAddress.getByName(args[4]), Integer.parseInt(args[5])),
        (Inet4Address) InetAddress.getByName(args[6]), (Inet4Address) InetAddress.getByName(args[7]), System.out);
    LinkedBlockingQueue<String> commands = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          commands.add(line);
          p.selector.wakeup();
        }
      } catch (IOException e) {
        // stdin closed: the test is over
      }
      commands.add("exit");
      p.selector.wakeup();
    }, "interop-stdin");
    reader.setDaemon(true);
    reader.start();
    p.out.println("ready " + key.publicKey().toBase64());
    p.out.flush();
    while (true) {
      String command = commands.poll();
      if (command == null) {
        p.pumpOnce(50);
        continue;
      }
      if (command.equals("exit")) {
        return;
      }
      p.out.println(p.run(command.split(" ", 3)));
      p.out.flush();
    }
  }

  private String run(String[] c) throws IOException {
    switch (c[0]) {
      case "handshake" -> {
        int before = sessions;
        device.initiateHandshake(peer, now(), output);
        return pumpUntil(() -> sessions > before, WAIT) ? "ok handshake" : "fail handshake: no session within " + WAIT;
      }
      case "ping" -> {
        int seq = Integer.parseInt(c[1]);
        sendPing(seq);
        return pumpUntil(() -> echoReplies.contains(seq), WAIT) ? "ok ping " + seq : "fail ping " + seq + ": no reply";
      }
      case "udp" -> {
        int port = Integer.parseInt(c[1]);
        String text = c[2];
        device.send(peer, Ipv4Packets.udp(self, remote, 40000, port, text.getBytes(StandardCharsets.UTF_8)), now(), output);
        return pumpUntil(() -> udpReplies.contains(text), WAIT) ? "ok udp" : "fail udp: no echo of '" + text + "'";
      }
      case "rekey" -> {
        return rekey(Integer.parseInt(c[1]));
      }
      case "flip-out" -> {
        int seq = Integer.parseInt(c[1]);
        flipNextOutgoing = true;
        sendPing(seq);
        if (pumpUntil(() -> echoReplies.contains(seq), Duration.ofSeconds(2))) {
          return "fail flip-out: the peer answered a packet with a flipped bit";
        }
        sendPing(seq + 1);
        return pumpUntil(() -> echoReplies.contains(seq + 1), WAIT)
            ? "ok flip-out" : "fail flip-out: the next good packet got no reply";
      }
      case "flip-in" -> {
        int seq = Integer.parseInt(c[1]);
        flipNextIncoming = true;
        flippedIncomingResult = null;
        sendPing(seq);
        boolean replied = pumpUntil(() -> echoReplies.contains(seq), WAIT);
        if (flippedIncomingResult == null) {
          return "fail flip-in: no transport packet arrived to flip";
        }
        return replied && !flippedIncomingResult.isAccepted()
            ? "ok flip-in " + flippedIncomingResult.dropReason()
            : "fail flip-in: flipped copy " + flippedIncomingResult + ", reply " + replied;
      }
      case "responded" -> {
        return "ok responded " + initiationsAnswered;
      }
      default -> {
        return "fail unknown command " + c[0];
      }
    }
  }

  /** COUNT pings 20 ms apart; halfway, a new handshake. Every ping must be answered, under whichever key pair. */
  private String rekey(int count) throws IOException {
    Keypair before = device.peer(peer).orElseThrow().currentKeypair().orElse(null);
    int base = 10_000;
    boolean rekeyed = false;
    for (int i = 0; i < count; i++) {
      sendPing(base + i);
      if (i >= count / 2 && !rekeyed) {
        rekeyed = device.initiateHandshake(peer, now(), output);
      }
      pumpUntil(() -> false, Duration.ofMillis(20));
    }
    if (!rekeyed) {
      return "fail rekey: a handshake was sent less than REKEY_TIMEOUT ago";
    }
    boolean all = pumpUntil(() -> {
      for (int i = 0; i < count; i++) {
        if (!echoReplies.contains(base + i)) {
          return false;
        }
      }
      return true;
    }, WAIT);
    Keypair after = device.peer(peer).orElseThrow().currentKeypair().orElse(null);
    long answered = echoReplies.stream().filter(s -> s >= base && s < base + count).count();
    if (!all) {
      return "fail rekey: " + answered + " of " + count + " pings answered";
    }
    return after != null && after != before ? "ok rekey " + answered + " new-index " + Integer.toUnsignedString(after.localIndex())
        : "fail rekey: the key pair did not change";
  }

  private void sendPing(int seq) {
    byte[] data = ("ovsgw interop " + seq).getBytes(StandardCharsets.UTF_8);
    device.send(peer, Ipv4Packets.icmpEcho(self, remote, true, ICMP_ID, seq, data), now(), output);
  }

  private void onPacket(byte[] packet) {
    Ipv4Packets.Parsed p = Ipv4Packets.parse(packet);
    if (p == null) {
      return;
    }
    if (p.protocol() == Ipv4Packets.ICMP && p.icmpType() == Ipv4Packets.ECHO_REPLY && p.icmpId() == ICMP_ID) {
      echoReplies.add(p.icmpSeq());
    } else if (p.protocol() == Ipv4Packets.ICMP && p.icmpType() == Ipv4Packets.ECHO_REQUEST
        && Arrays.equals(p.destination(), self.getAddress())) {
      // Answer the peer's pings, so that a handshake the peer starts carries traffic both ways.
      try {
        Inet4Address from = (Inet4Address) InetAddress.getByAddress(p.source());
        device.send(peer, Ipv4Packets.icmpEcho(self, from, false, p.icmpId(), p.icmpSeq(), p.payload()), now(), output);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    } else if (p.protocol() == Ipv4Packets.UDP) {
      udpReplies.add(new String(p.payload(), StandardCharsets.UTF_8));
    }
  }

  private boolean pumpUntil(BooleanSupplier done, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      pumpOnce(Math.max(1, Math.min(20, left / 1_000_000)));
    }
    return true;
  }

  private void pumpOnce(long maxWaitMillis) throws IOException {
    long untilTimer = (device.nextDeadline() - now()) / 1_000_000;
    selector.select(Math.max(1, Math.min(maxWaitMillis, untilTimer)));
    selector.selectedKeys().clear();
    InetSocketAddress from;
    while ((from = (InetSocketAddress) channel.receive(buffer.clear())) != null) {
      byte[] datagram = Arrays.copyOf(buffer.array(), buffer.position());
      if (flipNextIncoming && datagram[0] == 4 && datagram.length > 32) {
        flipNextIncoming = false;
        byte[] flipped = datagram.clone();
        flipped[24] ^= 0x01;
        flippedIncomingResult = device.receive(flipped, flipped.length, from, now(), output);
      }
      ReceiveResult r = device.receive(datagram, datagram.length, from, now(), output);
      if (r == ReceiveResult.INITIATION) {
        initiationsAnswered++;
      } else if (!r.isAccepted() && r.dropReason() != DropReason.REPLAYED_COUNTER) {
        System.err.println("interop peer dropped a datagram: " + r);
      }
    }
    device.poll(now(), output);
  }

  private static long now() {
    return System.nanoTime();
  }
}
