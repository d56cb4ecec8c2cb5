package com.oversoc.mesh.actors.path;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one UDP socket (default port 41641): direct paths to peers, and STUN towards the
 * relays, so that what STUN reports is the mapping of this very socket. One platform thread
 * blocks in {@code receive} and offers each datagram to the {@link DatagramDiversion}s (STUN
 * answers for the netcheck) before the receiver (WireGuard); senders share the channel from any
 * thread (a datagram channel serializes its writers).
 */
public final class UdpDatagramPort implements DatagramPort {
  /** Larger than any datagram the mesh sends (1280-byte path MTU) or a STUN response. */
  static final int RECEIVE_BUFFER = 65_535;
  /**
   * Socket buffers asked of the kernel (it may grant less, up to net.core.rmem_max): a burst at
   * line rate must not overflow while the reader thread is busy, as wireguard-go asks for 7 MiB.
   */
  static final int SOCKET_BUFFER = 4 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(UdpDatagramPort.class);

  private final DatagramChannel channel;
  private final InetSocketAddress local;
  private final Thread reader;
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder sendErrors = new LongAdder();
  private final LongAdder diverted = new LongAdder();
  private final List<DatagramDiversion> diversions = new CopyOnWriteArrayList<>();
  private volatile BiConsumer<PathAddress, byte[]> receiver;
  private volatile boolean closed;

  private UdpDatagramPort(DatagramChannel channel, String name) throws IOException {
    this.channel = channel;
    this.local = (InetSocketAddress) channel.getLocalAddress();
    this.reader = Thread.ofPlatform().daemon().name(name + "-udp-" + local.getPort()).unstarted(this::readLoop);
  }

  /**
   * Binds {@code address} (an IP literal; port 0 picks a free one) and starts reading once a
   * receiver is set.
   *
   * @throws IOException if the address cannot be bound (in use, not local)
   */
  public static UdpDatagramPort bind(InetSocketAddress address, String name) throws IOException {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("bind to an IP literal, not the name " + address.getHostString());
    }
    DatagramChannel channel = DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address
        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    try {
      channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
      channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
      channel.bind(address);
      return new UdpDatagramPort(channel, name);
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot bind UDP " + address.getAddress().getHostAddress() + ":" + address.getPort()
          + ": " + e.getMessage(), e);
    }
  }

  /** The bound address (with the port the system picked for port 0). */
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public void setReceiver(BiConsumer<PathAddress, byte[]> receiver) {
    if (this.receiver != null) {
      throw new IllegalStateException("the receiver is set once");
    }
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    reader.start();
  }

  /**
   * Adds a diversion: from now on the datagrams it takes never reach the receiver. Any thread,
   * before or after the receiver is set.
   */
  public void addDiversion(DatagramDiversion diversion) {
    diversions.add(Objects.requireNonNull(diversion, "diversion"));
  }

  /** Removes a diversion added before; what it would have taken goes to the receiver again. */
  public void removeDiversion(DatagramDiversion diversion) {
    diversions.remove(diversion);
  }

  @Override
  public boolean send(PathAddress to, byte[] datagram) {
    if (!(to instanceof PathAddress.Direct direct) || closed) {
      return false;
    }
    try {
      channel.send(ByteBuffer.wrap(datagram), direct.endpoint());
      sent.increment();
      return true;
    } catch (IOException e) {
      // Unreachable networks and full buffers are routine on a path; the sender's protocol retries.
      sendErrors.increment();
      LOG.debug("UDP send to {} failed: {}", direct, e.toString());
      return false;
    }
  }

  private void readLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER);
    while (!closed) {
      try {
        buffer.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
        received.increment();
        deliver(new PathAddress.Direct(from), Arrays.copyOf(buffer.array(), buffer.position()));
      } catch (ClosedChannelException e) {
        return; // closed, also asynchronously by close()
      } catch (IOException e) {
        LOG.warn("UDP receive on {} failed: {}", local, e.toString());
      } catch (RuntimeException e) {
        // A receiver or diversion bug must not kill the socket: the datagram is lost, the next one is read.
        LOG.error("UDP receiver failed on a datagram", e);
      }
    }
  }

  private void deliver(PathAddress from, byte[] datagram) {
    for (DatagramDiversion d : diversions) {
      if (d.take(from, datagram)) {
        diverted.increment();
        return;
      }
    }
    receiver.accept(from, datagram);
  }

  public long sent() {
    return sent.sum();
  }

  public long received() {
    return received.sum();
  }

  public long sendErrors() {
    return sendErrors.sum();
  }

  /** Datagrams received and taken by a diversion (counted in {@link #received()} too). */
  public long diverted() {
    return diverted.sum();
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing UDP {}: {}", local, e.toString());
    }
    if (reader.isAlive()) {
      try {
        reader.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
