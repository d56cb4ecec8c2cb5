package com.oversoc.mesh.relay;

import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.mesh.MeshPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything a relay needs to run. The node's configuration ({@code ovsgw.relay} in
 * {@code reference.conf}) maps onto this one to one; the defaults below are the ones documented
 * there.
 *
 * @param privateKey the relay's static key, whose public half is in the relay map
 * @param listen TCP address for clients and siblings
 * @param tls when present, clients connect with TLS using this server context
 * @param sendQueuePackets packets queued per client before the oldest is dropped
 * @param writeTimeout how long a client may refuse a write before it is disconnected
 * @param keepalive how often an idle client gets a KEEPALIVE (plus up to {@code keepaliveJitter})
 * @param clientRateBytesPerSecond each client's sustained send rate; 0 for no limit
 * @param clientBurstBytes what a client may send at once above that rate
 * @param acceptsPerSecond new TCP connections accepted per second (more wait in the backlog)
 * @param acceptBurst connections accepted at once above that rate
 * @param admissionGrace how long the relay keeps admitting new clients without hearing from its coordinator
 * @param meshKey the region's shared mesh key; empty for a relay without siblings
 * @param meshPeers the siblings this relay links to
 */
public record RelaySettings(
    RelayPrivateKey privateKey,
    InetSocketAddress listen,
    Optional<SSLContext> tls,
    int sendQueuePackets,
    Duration writeTimeout,
    Duration keepalive,
    Duration keepaliveJitter,
    long clientRateBytesPerSecond,
    long clientBurstBytes,
    int acceptsPerSecond,
    int acceptBurst,
    Duration admissionGrace,
    Optional<MeshKey> meshKey,
    List<MeshPeer> meshPeers) {

  /** Packets per client queue: enough for a burst, few enough that one slow client cannot hoard memory. */
  public static final int DEFAULT_SEND_QUEUE_PACKETS = 32;
  /** A client that takes no data for this long is gone or hostile; its connection is closed. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(2);
  /**
   * 1 Gbit/s per client: far above what one node's WireGuard tunnel sustains on this hardware, so
   * it only stops a runaway or hostile client from taking the relay's whole capacity.
   */
  public static final long DEFAULT_CLIENT_RATE_BYTES_PER_SECOND = 125_000_000L;
  /** Bursts up to 1 MiB (about 870 packets of 1,200 bytes) pass unshaped, so ordinary traffic never waits. */
  public static final long DEFAULT_CLIENT_BURST_BYTES = 1024L * 1024;
  /** After a relay restart 10,000 clients reconnect within a few seconds at this rate. */
  public static final int DEFAULT_ACCEPTS_PER_SECOND = 2_000;
  public static final int DEFAULT_ACCEPT_BURST = 500;
  /**
   * Five minutes covers a coordinator restart or failover without refusing anyone, and bounds how
   * long a key revoked during an outage could still connect to a relay that missed it.
   */
  public static final Duration DEFAULT_ADMISSION_GRACE = Duration.ofMinutes(5);

  public RelaySettings {
    meshPeers = List.copyOf(meshPeers);
    if (!meshPeers.isEmpty() && meshKey.isEmpty()) {
      throw new IllegalArgumentException("mesh peers need a mesh key");
    }
  }

  /** The defaults, listening on {@code listen}, without TLS or siblings. */
  public static RelaySettings defaults(RelayPrivateKey privateKey, InetSocketAddress listen) {
    return new RelaySettings(privateKey, listen, Optional.empty(), DEFAULT_SEND_QUEUE_PACKETS,
        DEFAULT_WRITE_TIMEOUT, RelayProtocol.KEEPALIVE_INTERVAL, RelayProtocol.KEEPALIVE_JITTER,
        DEFAULT_CLIENT_RATE_BYTES_PER_SECOND, DEFAULT_CLIENT_BURST_BYTES, DEFAULT_ACCEPTS_PER_SECOND,
        DEFAULT_ACCEPT_BURST, DEFAULT_ADMISSION_GRACE, Optional.empty(), List.of());
  }

  public RelaySettings withTls(SSLContext context) {
    return new RelaySettings(privateKey, listen, Optional.of(context), sendQueuePackets, writeTimeout, keepalive,
        keepaliveJitter, clientRateBytesPerSecond, clientBurstBytes, acceptsPerSecond, acceptBurst, admissionGrace,
        meshKey, meshPeers);
  }

  public RelaySettings withClientRate(long bytesPerSecond, long burstBytes) {
    return new RelaySettings(privateKey, listen, tls, sendQueuePackets, writeTimeout, keepalive, keepaliveJitter,
        bytesPerSecond, burstBytes, acceptsPerSecond, acceptBurst, admissionGrace, meshKey, meshPeers);
  }

  public RelaySettings withWriteTimeout(Duration timeout) {
    return new RelaySettings(privateKey, listen, tls, sendQueuePackets, timeout, keepalive, keepaliveJitter,
        clientRateBytesPerSecond, clientBurstBytes, acceptsPerSecond, acceptBurst, admissionGrace, meshKey, meshPeers);
  }

  public RelaySettings withKeepalive(Duration interval, Duration jitter) {
    return new RelaySettings(privateKey, listen, tls, sendQueuePackets, writeTimeout, interval, jitter,
        clientRateBytesPerSecond, clientBurstBytes, acceptsPerSecond, acceptBurst, admissionGrace, meshKey, meshPeers);
  }

  public RelaySettings withAdmissionGrace(Duration grace) {
    return new RelaySettings(privateKey, listen, tls, sendQueuePackets, writeTimeout, keepalive, keepaliveJitter,
        clientRateBytesPerSecond, clientBurstBytes, acceptsPerSecond, acceptBurst, grace, meshKey, meshPeers);
  }

  public RelaySettings withMesh(MeshKey key, List<MeshPeer> peers) {
    return new RelaySettings(privateKey, listen, tls, sendQueuePackets, writeTimeout, keepalive, keepaliveJitter,
        clientRateBytesPerSecond, clientBurstBytes, acceptsPerSecond, acceptBurst, admissionGrace, Optional.of(key),
        peers);
  }
}
