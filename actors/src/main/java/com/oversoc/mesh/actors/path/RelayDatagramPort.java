package com.oversoc.mesh.actors.path;

import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The relay paths: one {@link RelayClient} per relay region this node talks through. The home
 * region's client is kept connected (peers reach this node there); a peer homed elsewhere is
 * reached by connecting to its region on first use, as Tailscale does with DERP.
 */
public final class RelayDatagramPort implements DatagramPort {
  /** Starts the client of one region (its dialer tries the region's servers in turn). */
  @FunctionalInterface
  public interface ClientFactory {
    /** @return empty if the relay map has no such region */
    Optional<RelayClient> start(int region, boolean home, RelayClient.Listener listener);
  }

  private final ClientFactory factory;
  private final Map<Integer, RelayClient> clients = new ConcurrentHashMap<>();
  private volatile BiConsumer<PathAddress, byte[]> receiver = (from, d) -> {};
  private volatile int home = -1;
  private volatile boolean closed;

  public RelayDatagramPort(ClientFactory factory) {
    this.factory = factory;
  }

  /** Makes {@code region} the home region and connects to it now. */
  public synchronized void setHome(int region) {
    home = region;
    client(region);
  }

  /** The home region, or -1 before one is chosen. */
  public int home() {
    return home;
  }

  @Override
  public boolean send(PathAddress to, byte[] datagram) {
    if (!(to instanceof PathAddress.Relayed relayed) || closed) {
      return false;
    }
    RelayClient client = client(relayed.region());
    return client != null && client.send(relayed.peer(), datagram);
  }

  /** The client of {@code region}, started if needed; null if the region is unknown or the port closed. */
  private RelayClient client(int region) {
    RelayClient existing = clients.get(region);
    if (existing != null || closed) {
      return existing;
    }
    synchronized (this) {
      existing = clients.get(region);
      if (existing != null || closed) {
        return existing;
      }
      Optional<RelayClient> started = factory.start(region, region == home, new RelayClient.Listener() {
        @Override
        public void onPacket(NodePublicKey source, byte[] packet) {
          receiver.accept(new PathAddress.Relayed(region, source), packet);
        }
      });
      started.ifPresent(c -> clients.put(region, c));
      return started.orElse(null);
    }
  }

  /** Whether the client of {@code region} is connected and admitted. */
  public boolean isConnected(int region) {
    RelayClient c = clients.get(region);
    return c != null && c.state() == RelayClient.State.CONNECTED;
  }

  /** Drops every client (the relay map changed); they are started again on use. */
  public synchronized void reset() {
    clients.values().forEach(RelayClient::close);
    clients.clear();
    if (home >= 0) {
      client(home);
    }
  }

  @Override
  public void setReceiver(BiConsumer<PathAddress, byte[]> receiver) {
    this.receiver = receiver;
  }

  @Override
  public synchronized void close() {
    closed = true;
    clients.values().forEach(RelayClient::close);
    clients.clear();
  }
}
