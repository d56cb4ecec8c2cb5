package com.oversoc.mesh.actors.path;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * An in-memory network of datagram ports, for tests and the simulator: a datagram sent to an
 * address reaches the port bound there, unless the network's filter drops it (a firewall that
 * blocks UDP, a dead link). Delivery is synchronous on the sender's thread.
 */
public final class MemoryNetwork {
  private final Map<PathAddress.Memory, Port> ports = new ConcurrentHashMap<>();
  private volatile BiPredicate<PathAddress.Memory, PathAddress.Memory> allow = (from, to) -> true;

  /** A port bound at {@code host:port}. */
  public Port bind(String host, int port) {
    PathAddress.Memory address = new PathAddress.Memory(host, port);
    Port p = new Port(address);
    if (ports.putIfAbsent(address, p) != null) {
      throw new IllegalStateException(address + " is in use");
    }
    return p;
  }

  /** From now on only datagrams for which {@code allow} holds are delivered. */
  public void filter(BiPredicate<PathAddress.Memory, PathAddress.Memory> allow) {
    this.allow = allow;
  }

  /** One bound port. */
  public final class Port implements DatagramPort {
    private final PathAddress.Memory address;
    private volatile BiConsumer<PathAddress, byte[]> receiver;

    private Port(PathAddress.Memory address) {
      this.address = address;
    }

    public PathAddress.Memory address() {
      return address;
    }

    @Override
    public boolean send(PathAddress to, byte[] datagram) {
      if (!(to instanceof PathAddress.Memory target) || !allow.test(address, target)) {
        return false;
      }
      Port p = ports.get(target);
      BiConsumer<PathAddress, byte[]> r = p == null ? null : p.receiver;
      if (r == null) {
        return false;
      }
      r.accept(address, datagram.clone());
      return true;
    }

    @Override
    public void setReceiver(BiConsumer<PathAddress, byte[]> receiver) {
      this.receiver = receiver;
    }

    @Override
    public void close() {
      ports.remove(address, this);
    }
  }
}
