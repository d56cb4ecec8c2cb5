package com.oversoc.mesh.node.role;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a node tells the coordinator about itself: its endpoints (the socket's local addresses,
 * then the public ones the last netcheck round saw, without duplicates) and its home relay. Sent
 * only when one of them changes, so a netcheck round that finds what the last one found costs
 * the coordinator, and every peer's map, nothing. Thread-safe: the peer map and the netcheck
 * update it from their own threads.
 */
final class EndpointReporter {
  /** Where reports go: the control client, once it exists. */
  @FunctionalInterface
  interface Sink {
    /** @param homeRelay the home region, 0 for none */
    void send(List<IpEndpoint> endpoints, int homeRelay);
  }

  private final List<IpEndpoint> local;
  private List<IpEndpoint> mapped = List.of();
  private int home;
  private Sink sink;
  private Set<IpEndpoint> sentEndpoints;
  private int sentHome;

  EndpointReporter(List<IpEndpoint> local) {
    this.local = List.copyOf(local);
  }

  /** Starts reporting to {@code sink}, now with what is known. */
  synchronized void attach(Sink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    flush();
  }

  /**
   * The public endpoints of the last netcheck round. They replace the earlier ones: a NAT that
   * rebinds loses its old mapping, and a round without answers leaves only the local endpoints.
   */
  synchronized void mapped(List<TransportAddress> endpoints) {
    mapped = endpoints.stream()
        .map(a -> IpEndpoint.newBuilder().setIp(ByteString.copyFrom(a.address().bytes())).setPort(a.port()).build())
        .toList();
    flush();
  }

  /** @param region the home region, 0 or less for none */
  synchronized void home(int region) {
    home = Math.max(region, 0);
    flush();
  }

  /** The endpoints as reported: local first, then mapped, each once. */
  synchronized List<IpEndpoint> endpoints() {
    Set<IpEndpoint> all = new LinkedHashSet<>(local);
    all.addAll(mapped);
    return new ArrayList<>(all);
  }

  private void flush() {
    if (sink == null) {
      return;
    }
    List<IpEndpoint> all = endpoints();
    Set<IpEndpoint> asSet = Set.copyOf(all);
    if (asSet.equals(sentEndpoints) && home == sentHome) {
      return;
    }
    sentEndpoints = asSet;
    sentHome = home;
    sink.send(all, home);
  }
}
