package com.oversoc.mesh.node.config;

import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.relay.mesh.MeshPeer;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated node configuration. Built only by {@link ConfigLoader}, so every instance is
 * known to be complete and consistent for its role.
 *
 * @param coordinator the coordinator role's settings (read for every role, used by the coordinator)
 * @param coordinatorTls the coordinator's TLS files, when nodes connect to it with TLS
 * @param pekko the node's own {@code pekko { }} block (may be empty), passed to its actor system
 */
public record NodeConfig(
    Role role,
    NodeSettings node,
    LogSettings log,
    ControlSettings control,
    ListenSettings direct,
    CoordinatorSettings coordinator,
    Optional<TlsFiles> coordinatorTls,
    RelaySettings relay,
    GatewaySettings gateway,
    PlatformSettings platform,
    Config pekko) {

  /**
   * @param name the node's name, or empty to use the host name
   * @param stateDir keys, the cached peer map and the embedded database
   */
  public record NodeSettings(Optional<String> name, Path stateDir) {}

  public record LogSettings(LogFormat format, String level) {}

  public enum LogFormat {
    TEXT,
    JSON
  }

  /**
   * @param coordinators coordinator replicas, tried in turn
   * @param coordinatorKey the pinned static key of the coordinator
   * @param authKey a pre-auth key given inline
   * @param authKeyFile a file holding a pre-auth key, deleted after enrollment
   * @param tls connect to the coordinators with TLS around the secure channel
   * @param trustedCertificates the certificates TLS connections (to coordinators, and to relays
   *     the relay map marks as TLS) trust; empty: the JVM's CA bundle
   */
  public record ControlSettings(
      List<Endpoint> coordinators,
      Optional<CoordinatorPublicKey> coordinatorKey,
      Optional<SecretString> authKey,
      Optional<Path> authKeyFile,
      boolean tls,
      Optional<Path> trustedCertificates) {}

  /** An address to bind: an IP literal and a port (0 picks a free one). */
  public record ListenSettings(IpLiteral address, int port) {}

  /**
   * The relay role ({@code ovsgw.relay}).
   *
   * @param tls the PEM certificate chain and key when clients connect with TLS
   * @param allowListFile a lab's static list of admitted node keys
   * @param meshKeyFile the file holding the region's mesh key, when the relay has siblings
   * @param metrics where to serve Prometheus metrics; empty when disabled
   */
  public record RelaySettings(
      IpLiteral address,
      int port,
      int stunPort,
      Optional<TlsFiles> tls,
      RelayLimits limits,
      Duration admissionGrace,
      Optional<Path> allowListFile,
      Optional<Path> meshKeyFile,
      List<MeshPeer> meshPeers,
      Optional<ListenSettings> metrics) {}

  public record TlsFiles(Path certificateChain, Path privateKey) {}

  /** The gateway role ({@code ovsgw.gateway}): what it may dial, and how long a dial may take. */
  public record GatewaySettings(List<com.oversoc.mesh.actors.edge.AllowedTargets.Rule> allowedTargets,
      Duration connectTimeout) {}

  /** The platform role ({@code ovsgw.platform}). */
  public record PlatformSettings(List<PortForwardSpec> forwards) {}

  /** One static port forward: connections to {@code listen} become streams through {@code gateway} to target:port. */
  public record PortForwardSpec(java.net.InetSocketAddress listen, String gateway, IpLiteral target, int targetPort) {}

  /** What bounds one client: see reference.conf for each key. */
  public record RelayLimits(
      int sendQueuePackets,
      Duration writeTimeout,
      Duration keepalive,
      int clientRateBytesPerSecond,
      int clientBurstBytes,
      int acceptsPerSecond,
      int acceptBurst) {}
}
