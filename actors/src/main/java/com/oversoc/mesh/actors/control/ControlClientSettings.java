package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How a {@link ControlClient} behaves.
 *
 * @param mode MESH_NODE asks for the peer map, RELAY for the active-keys feed
 * @param coordinators the coordinator replicas, tried in turn
 * @param coordinatorKey the coordinator's static key (the channel pins it)
 * @param machineKey this machine's control identity (the channel proves it)
 * @param nodeKey the node key enrolled with, and presented until a rotation replaces it
 * @param authKey where the pre-auth key comes from when the machine is not enrolled
 * @param nodeName the name in ClientHello; empty lets the coordinator choose one
 * @param softwareVersion e.g. "ovsgw 0.1.0", for the admin API and audit log
 * @param keepaliveInterval a keepalive goes out when the client has sent nothing for this long
 * @param readTimeout a connection that delivers nothing for this long is dead and replaced
 * @param backoff the reconnect schedule
 * @param random jitter for reconnect delays
 * @param clock monotonic time for the reconnect schedule
 * @param wallClock the wall clock sent in ClientHello (the coordinator checks skew against it),
 *     and the time node key expiries are compared with
 * @param rotation a mesh node's node key store and switch; with it the client rotates the node
 *     key before it expires ({@link com.oversoc.mesh.protocol.control.NodeKeySchedule})
 */
public record ControlClientSettings(
    ControlClientSession.Mode mode,
    List<Endpoint> coordinators,
    CoordinatorPublicKey coordinatorKey,
    MachinePrivateKey machineKey,
    NodePrivateKey nodeKey,
    AuthKey authKey,
    String nodeName,
    String softwareVersion,
    Duration keepaliveInterval,
    Duration readTimeout,
    ReconnectBackoff.Schedule backoff,
    RandomGenerator random,
    MonotonicClock clock,
    InstantSource wallClock,
    Optional<NodeKeyRotation> rotation) {

  /** A third of the coordinator's default dead-stream timeout (45 s), so two keepalives may be lost. */
  public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(15);
  /**
   * Six of the coordinator's default keepalive intervals (15 s): a coordinator quiet for this long
   * is gone, even if TCP has not noticed. Coordinators must keep their keepalive-interval below it.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(90);

  public ControlClientSettings {
    coordinators = List.copyOf(coordinators);
    if (coordinators.isEmpty()) {
      throw new IllegalArgumentException("a control client needs at least one coordinator address");
    }
    java.util.Objects.requireNonNull(rotation, "rotation");
    if (rotation.isPresent() && mode != ControlClientSession.Mode.MESH_NODE) {
      throw new IllegalArgumentException("only a mesh node rotates its node key");
    }
    if (keepaliveInterval.compareTo(readTimeout) >= 0) {
      throw new IllegalArgumentException("keepalive interval " + keepaliveInterval + " must be shorter than the read "
          + "timeout " + readTimeout);
    }
  }

  /** The defaults, with the system clocks and a random seed from the system. */
  public static ControlClientSettings defaults(ControlClientSession.Mode mode, List<Endpoint> coordinators,
      CoordinatorPublicKey coordinatorKey, MachinePrivateKey machineKey, NodePrivateKey nodeKey, AuthKey authKey,
      String nodeName, String softwareVersion) {
    return new ControlClientSettings(mode, coordinators, coordinatorKey, machineKey, nodeKey, authKey, nodeName,
        softwareVersion, DEFAULT_KEEPALIVE_INTERVAL, DEFAULT_READ_TIMEOUT, ReconnectBackoff.Schedule.DEFAULT,
        new SplittableRandom(new SecureRandom().nextLong()), SystemClocks.MONOTONIC, SystemClocks.WALL, Optional.empty());
  }

  public ControlClientSettings withBackoff(ReconnectBackoff.Schedule schedule, RandomGenerator jitter) {
    return new ControlClientSettings(mode, coordinators, coordinatorKey, machineKey, nodeKey, authKey, nodeName,
        softwareVersion, keepaliveInterval, readTimeout, schedule, jitter, clock, wallClock, rotation);
  }

  public ControlClientSettings withTimeouts(Duration keepalive, Duration read) {
    return new ControlClientSettings(mode, coordinators, coordinatorKey, machineKey, nodeKey, authKey, nodeName,
        softwareVersion, keepalive, read, backoff, random, clock, wallClock, rotation);
  }

  public ControlClientSettings withClocks(MonotonicClock monotonic, InstantSource wall) {
    return new ControlClientSettings(mode, coordinators, coordinatorKey, machineKey, nodeKey, authKey, nodeName,
        softwareVersion, keepaliveInterval, readTimeout, backoff, random, monotonic, wall, rotation);
  }

  /** Rotates the node key before it expires, keeping it with {@code r}. */
  public ControlClientSettings withRotation(NodeKeyRotation r) {
    return new ControlClientSettings(mode, coordinators, coordinatorKey, machineKey, nodeKey, authKey, nodeName,
        softwareVersion, keepaliveInterval, readTimeout, backoff, random, clock, wallClock, Optional.of(r));
  }
}
