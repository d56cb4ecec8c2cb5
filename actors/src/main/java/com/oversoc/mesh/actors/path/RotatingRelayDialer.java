package com.oversoc.mesh.actors.path;

import com.oversoc.mesh.actors.relay.RelayDialer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Dials the servers of one relay region in turn, one per attempt: when a node's relay goes away,
 * its next reconnect goes to a sibling, and the region's relay mesh carries its packets to peers
 * still connected to the others. Each node starts at a server of its own (the caller picks it at
 * random), so a region's clients spread over its servers instead of all crowding the first.
 */
public final class RotatingRelayDialer implements RelayDialer {
  private final List<RelayDialer> servers;
  private final AtomicInteger next;
  private volatile RelayDialer last;

  /** @param first the index of the server the first attempt dials (taken modulo the number of servers) */
  public RotatingRelayDialer(List<RelayDialer> servers, int first) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("a relay region has at least one server");
    }
    this.servers = List.copyOf(servers);
    this.next = new AtomicInteger(Math.floorMod(first, servers.size()));
    this.last = this.servers.get(next.get());
  }

  @Override
  public Flow<ByteString, ByteString, ? extends CompletionStage<?>> connect() {
    RelayDialer server = servers.get(Math.floorMod(next.getAndIncrement(), servers.size()));
    last = server;
    return server.connect();
  }

  @Override
  public String target() {
    return last.target();
  }
}
