package com.oversoc.mesh.coordinator;

import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the coordinator is configured with (from {@code ovsgw.coordinator} in the node's
 * configuration; see reference.conf for each key's meaning and default).
 *
 * @param controlPort TCP port of the control protocol (0 picks a free port)
 * @param adminPort TCP port of the admin HTTP API (0 picks a free port)
 * @param maxUnenrolledConnections connections whose machine is not (yet) enrolled that are
 *     served at once; more are refused with OVERLOADED, so unauthenticated-to-the-mesh clients
 *     cannot pin the coordinator's memory
 * @param ulaPrefix the IPv6 ULA /48 text; empty generates one on first start and stores it
 */
public record CoordinatorSettings(
    Path stateDir,
    IpLiteral controlAddress,
    int controlPort,
    IpLiteral adminAddress,
    int adminPort,
    Database.Settings database,
    Duration maxClockSkew,
    Duration nodeKeyLifetime,
    Duration nodeKeyOverlap,
    Duration ephemeralOfflineTimeout,
    Duration keepaliveInterval,
    Duration deadStreamTimeout,
    Duration helloTimeout,
    int sessionQueueSize,
    int maxUnenrolledConnections,
    Optional<String> ulaPrefix,
    RelayMap relayMap,
    Cluster cluster) {

  /**
   * Replicas sharing one PostgreSQL.
   *
   * @param seedNodes "host:port" of the replicas to join; empty with {@code enabled} forms a
   *     one-replica cluster
   */
  public record Cluster(boolean enabled, IpLiteral address, int port, List<String> seedNodes) {
    public static Cluster disabled() {
      return new Cluster(false, IpLiteral.parse("127.0.0.1"), 0, List.of());
    }
  }

  /** How often connected nodes' last-seen time is written (ephemeral cleanup reads it). */
  public Duration touchInterval() {
    return ephemeralOfflineTimeout.dividedBy(4);
  }
}
