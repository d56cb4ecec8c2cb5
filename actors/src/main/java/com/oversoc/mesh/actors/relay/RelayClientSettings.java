package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How a {@link RelayClient} behaves.
 *
 * @param hello the first frame: CLIENT_INFO for a node, MESH_HELLO for a sibling relay
 * @param sendQueuePackets packets held while the connection writes; the oldest is dropped beyond
 * @param writeTimeout how long the relay may refuse our writes before we reconnect
 * @param observer where queue depth and drops are reported
 * @param random jitter for reconnect delays
 * @param clock monotonic time for the reconnect schedule
 */
public record RelayClientSettings(
    RelayFrame hello,
    int sendQueuePackets,
    Duration writeTimeout,
    SendQueue.Observer observer,
    RandomGenerator random,
    MonotonicClock clock) {

  /**
   * A node's queue holds a burst of the mesh transport's window (about 150 KB of 1,200-byte
   * packets) while the previous write completes; more would only add latency, since the
   * transport above retransmits what is dropped.
   */
  public static final int DEFAULT_SEND_QUEUE_PACKETS = 128;
  /**
   * A mesh link carries the traffic of every client of its relay towards one sibling, so it
   * holds more than one node's queue.
   */
  public static final int MESH_SEND_QUEUE_PACKETS = 1024;
  /**
   * Longer than the relay's own 2 s: the relay's per-client rate limit pauses our writes on
   * purpose, and a node should reconnect only when its relay is really stuck.
   */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

  public RelayClientSettings {
    if (!(hello instanceof ClientInfo) && !(hello instanceof MeshHello)) {
      throw new IllegalArgumentException("the first frame is CLIENT_INFO or MESH_HELLO, not " + hello.type());
    }
    if (sendQueuePackets < 1) {
      throw new IllegalArgumentException("sendQueuePackets must be positive");
    }
  }

  /** A node's settings; {@code home} says whether this relay is its home relay. */
  public static RelayClientSettings node(boolean home) {
    return new RelayClientSettings(new ClientInfo(RelayProtocol.VERSION, home), DEFAULT_SEND_QUEUE_PACKETS,
        DEFAULT_WRITE_TIMEOUT, SendQueue.Observer.NONE, new SplittableRandom(), SystemClocks.MONOTONIC);
  }

  /** A relay's link to a sibling of its region. */
  public static RelayClientSettings mesh(MeshKey meshKey) {
    return new RelayClientSettings(new MeshHello(RelayProtocol.VERSION, meshKey), MESH_SEND_QUEUE_PACKETS,
        DEFAULT_WRITE_TIMEOUT, SendQueue.Observer.NONE, new SplittableRandom(), SystemClocks.MONOTONIC);
  }

  public boolean isMesh() {
    return hello instanceof MeshHello;
  }

  public RelayClientSettings withObserver(SendQueue.Observer o) {
    return new RelayClientSettings(hello, sendQueuePackets, writeTimeout, o, random, clock);
  }

  public RelayClientSettings withRandom(RandomGenerator r) {
    return new RelayClientSettings(hello, sendQueuePackets, writeTimeout, observer, r, clock);
  }

  public RelayClientSettings withSendQueuePackets(int packets) {
    return new RelayClientSettings(hello, packets, writeTimeout, observer, random, clock);
  }
}
