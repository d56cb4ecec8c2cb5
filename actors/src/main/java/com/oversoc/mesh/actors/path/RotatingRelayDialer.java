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
 * still connected to the others.
 */
public final class RotatingRelayDialer implements RelayDialer {
  private final List<RelayDialer> servers;
  private final AtomicInteger next = new AtomicInteger();

  public RotatingRelayDialer(List<RelayDialer> servers) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("a relay region has at least one server");
    }
    this.servers = List.copyOf(servers);
  }

  @Override
  public Flow<ByteString, ByteString, ? extends CompletionStage<?>> connect() {
    return servers.get(Math.floorMod(next.getAndIncrement(), servers.size())).connect();
  }
}
