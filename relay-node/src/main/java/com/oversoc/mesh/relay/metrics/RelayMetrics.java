package com.oversoc.mesh.relay.metrics;

import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.actors.relay.SendQueue;
import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.stun.StunResponder;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters the relay's hot paths update without locks ({@link LongAdder}), rendered in the
 * Prometheus text exposition format. Every label value exists from the start (zero), so a
 * dashboard never has to guess whether a reason is absent or merely has not happened.
 */
public final class RelayMetrics {
  /** Upper bounds of the send-queue depth buckets, sampled at every enqueue; 32 is the default cap. */
  static final int[] DEPTH_BUCKETS = {1, 2, 4, 8, 16, 24, 32};

  private final LongAdder packetsForwarded = new LongAdder();
  private final LongAdder bytesForwarded = new LongAdder();
  private final LongAdder packetWrites = new LongAdder();
  private final LongAdder packetsToMesh = new LongAdder();
  private final LongAdder bytesToMesh = new LongAdder();
  private final Map<DropReason, LongAdder> droppedPackets = adders(DropReason.class);
  private final Map<DropReason, LongAdder> droppedBytes = adders(DropReason.class);
  private final LongAdder[] depthBuckets = new LongAdder[DEPTH_BUCKETS.length + 1];
  private final LongAdder depthSum = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder writeTimeouts = new LongAdder();
  private final LongAdder admitted = new LongAdder();
  private final Map<CloseReason, LongAdder> closed = adders(CloseReason.class);
  private final Map<StunResponder.Outcome, LongAdder> stun = adders(StunResponder.Outcome.class);
  private final Map<ChannelException.Reason, LongAdder> handshakeFailures = adders(ChannelException.Reason.class);
  private final AtomicLong clients = new AtomicLong();
  private final AtomicLong homeClients = new AtomicLong();
  private final AtomicLong meshWatchers = new AtomicLong();
  private volatile LongSupplier meshLinksUp = () -> 0;
  private volatile LongSupplier remoteClients = () -> 0;

  public RelayMetrics() {
    for (int i = 0; i < depthBuckets.length; i++) {
      depthBuckets[i] = new LongAdder();
    }
  }

  private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
    Map<E, LongAdder> m = new EnumMap<>(type);
    for (E e : type.getEnumConstants()) {
      m.put(e, new LongAdder());
    }
    return m;
  }

  /** The observer for the send queue of every client connection. */
  public final SendQueue.Observer clientQueues = new SendQueue.Observer() {
    @Override
    public void enqueued(int depth) {
      observeDepth(depth);
    }

    @Override
    public void dropped(DropReason reason, int bytes) {
      drop(reason, bytes);
    }

    @Override
    public void written(int packets, long bytes) {
      packetsForwarded.add(packets);
      bytesForwarded.add(bytes);
      packetWrites.increment();
    }
  };

  /** The observer for the send queues of this relay's links to its mesh siblings. */
  public final SendQueue.Observer meshQueues = new SendQueue.Observer() {
    @Override
    public void dropped(DropReason reason, int bytes) {
      // A packet for a sibling whose link is down is gone as far as its sender can tell.
      drop(reason == DropReason.NOT_CONNECTED ? DropReason.GONE : reason, bytes);
    }

    @Override
    public void written(int packets, long bytes) {
      packetsToMesh.add(packets);
      bytesToMesh.add(bytes);
    }
  };

  public void drop(DropReason reason, int bytes) {
    droppedPackets.get(reason).increment();
    droppedBytes.get(reason).add(bytes);
  }

  private void observeDepth(int depth) {
    depthSum.add(depth);
    for (int i = 0; i < DEPTH_BUCKETS.length; i++) {
      if (depth <= DEPTH_BUCKETS[i]) {
        depthBuckets[i].increment();
        return;
      }
    }
    depthBuckets[DEPTH_BUCKETS.length].increment();
  }

  /** A client took no data within the write timeout and was disconnected. */
  public void writeTimeout() {
    writeTimeouts.increment();
  }

  public long writeTimeouts() {
    return writeTimeouts.sum();
  }

  public void accepted() {
    accepted.increment();
  }

  /** A node (not a mesh sibling) was admitted; {@code home} if this is its home relay. */
  public void clientAdmitted(boolean home) {
    admitted.increment();
    clients.incrementAndGet();
    if (home) {
      homeClients.incrementAndGet();
    }
  }

  public void clientLeft(boolean home) {
    clients.decrementAndGet();
    if (home) {
      homeClients.decrementAndGet();
    }
  }

  public void meshWatcherJoined() {
    meshWatchers.incrementAndGet();
  }

  public void meshWatcherLeft() {
    meshWatchers.decrementAndGet();
  }

  /** A connection was closed by the relay for {@code reason} (refusals at admission included). */
  public void closed(CloseReason reason) {
    closed.get(reason).increment();
  }

  /**
   * A connection ended in the secure channel's handshake: a malformed or low-order key, a wrong
   * relay key, a timeout, or a refusal (REFUSED; its reason is in the closed counter too).
   */
  public void handshakeFailed(ChannelException.Reason reason) {
    handshakeFailures.get(reason).increment();
  }

  public long handshakeFailures(ChannelException.Reason reason) {
    return handshakeFailures.get(reason).sum();
  }

  public void stun(StunResponder.Outcome outcome) {
    stun.get(outcome).increment();
  }

  public void meshGauges(LongSupplier linksUp, LongSupplier remote) {
    this.meshLinksUp = linksUp;
    this.remoteClients = remote;
  }

  public long packetsForwarded() {
    return packetsForwarded.sum();
  }

  /**
   * Writes to connected nodes that carried packets. Each is one secure-channel record (a batch is
   * at most {@link com.oversoc.mesh.actors.relay.SendQueueSource#MAX_BATCH_BYTES} and a frame),
   * so packets forwarded over writes is how many packets share one seal.
   */
  public long packetWrites() {
    return packetWrites.sum();
  }

  public long dropped(DropReason reason) {
    return droppedPackets.get(reason).sum();
  }

  public long closedFor(CloseReason reason) {
    return closed.get(reason).sum();
  }

  public long clients() {
    return clients.get();
  }

  public long stunCount(StunResponder.Outcome outcome) {
    return stun.get(outcome).sum();
  }

  /** Samples in each depth bucket (not cumulative), the last one for depths above 32. */
  public long[] depthHistogram() {
    long[] out = new long[depthBuckets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = depthBuckets[i].sum();
    }
    return out;
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    gauge(sb, "ovsgw_relay_clients", "Nodes connected to this relay.", clients.get());
    gauge(sb, "ovsgw_relay_home_clients", "Nodes connected to this relay as their home relay.", homeClients.get());
    gauge(sb, "ovsgw_relay_mesh_watchers", "Sibling relays subscribed to this relay's clients.", meshWatchers.get());
    gauge(sb, "ovsgw_relay_mesh_links_up", "This relay's links to its siblings that are connected.",
        meshLinksUp.getAsLong());
    gauge(sb, "ovsgw_relay_mesh_remote_clients", "Clients reachable through sibling relays.", remoteClients.getAsLong());
    counter(sb, "ovsgw_relay_packets_forwarded_total", "Packets written to connected nodes.", packetsForwarded.sum());
    counter(sb, "ovsgw_relay_bytes_forwarded_total", "Bytes of packet frames written to connected nodes.",
        bytesForwarded.sum());
    counter(sb, "ovsgw_relay_packet_writes_total",
        "Writes (one secure-channel record each) that carried packets to connected nodes.", packetWrites.sum());
    counter(sb, "ovsgw_relay_mesh_packets_forwarded_total", "Packets written to sibling relays.", packetsToMesh.sum());
    counter(sb, "ovsgw_relay_mesh_bytes_forwarded_total", "Bytes of packet frames written to sibling relays.",
        bytesToMesh.sum());
    labelled(sb, "ovsgw_relay_packets_dropped_total", "Packets dropped, by reason.", "reason", droppedPackets,
        DropReason::label);
    labelled(sb, "ovsgw_relay_bytes_dropped_total", "Bytes of packet frames dropped, by reason.", "reason",
        droppedBytes, DropReason::label);
    counter(sb, "ovsgw_relay_connections_accepted_total", "TCP connections accepted.", accepted.sum());
    counter(sb, "ovsgw_relay_write_timeouts_total", "Clients disconnected because they took no data in time.",
        writeTimeouts.sum());
    counter(sb, "ovsgw_relay_clients_admitted_total", "Nodes admitted after their hello.", admitted.sum());
    labelled(sb, "ovsgw_relay_connections_closed_total", "Connections the relay closed, by reason.", "reason", closed,
        r -> r.name().toLowerCase(java.util.Locale.ROOT));
    labelled(sb, "ovsgw_relay_handshake_failures_total", "Connections that ended in the secure channel's handshake.",
        "reason", handshakeFailures, r -> r.name().toLowerCase(java.util.Locale.ROOT));
    labelled(sb, "ovsgw_stun_requests_total", "STUN datagrams, by outcome.", "outcome", stun,
        o -> o.name().toLowerCase(java.util.Locale.ROOT));

    String h = "ovsgw_relay_send_queue_depth";
    sb.append("# HELP ").append(h).append(" Packets in a client's send queue, sampled at every enqueue.\n");
    sb.append("# TYPE ").append(h).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < DEPTH_BUCKETS.length; i++) {
      cumulative += depthBuckets[i].sum();
      sb.append(h).append("_bucket{le=\"").append(DEPTH_BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
    }
    cumulative += depthBuckets[DEPTH_BUCKETS.length].sum();
    sb.append(h).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    sb.append(h).append("_sum ").append(depthSum.sum()).append('\n');
    sb.append(h).append("_count ").append(cumulative).append('\n');
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String name, String help, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" gauge\n");
    sb.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder sb, String name, String help, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    sb.append(name).append(' ').append(value).append('\n');
  }

  private static <E extends Enum<E>> void labelled(StringBuilder sb, String name, String help, String label,
      Map<E, LongAdder> values, java.util.function.Function<E, String> labelValue) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    values.forEach((k, v) -> sb.append(name).append('{').append(label).append("=\"").append(labelValue.apply(k))
        .append("\"} ").append(v.sum()).append('\n'));
  }
}
