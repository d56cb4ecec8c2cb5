package com.oversoc.mesh.node.config;

import com.oversoc.mesh.node.config.NodeConfig.ListenSettings;
import com.oversoc.mesh.node.config.NodeConfig.RelayLimits;
import com.oversoc.mesh.node.config.NodeConfig.RelaySettings;
import com.oversoc.mesh.node.config.NodeConfig.TlsFiles;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.mesh.MeshPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads and checks the relay role's section, {@code ovsgw.relay} (documented in reference.conf). */
final class RelayConfig {
  /** More queued packets per relay client only add latency; 4096 is already 5 MB per client. */
  private static final int MAX_QUEUE = 4096;
  /** A client must be able to send one frame of the largest size. */
  private static final int MIN_BURST = RelayProtocol.HEADER_LENGTH + RelayProtocol.MAX_FRAME_PAYLOAD;

  private RelayConfig() {}

  static RelaySettings read(ConfigReader r) {
    String p = "ovsgw.relay.";
    Optional<TlsFiles> tls = r.tlsFiles(p + "tls");
    RelayLimits limits = new RelayLimits(
        r.integer(p + "send-queue-packets", 1, MAX_QUEUE, "1.." + MAX_QUEUE + " packets"),
        r.duration(p + "write-timeout", Duration.ofMillis(100), Duration.ofMinutes(1)),
        // Nodes give up on a relay after 150 s of silence: two keepalives must fit.
        r.duration(p + "keepalive-interval", Duration.ofSeconds(1), Duration.ofSeconds(70)),
        r.integer(p + "client-rate-limit", 0, Integer.MAX_VALUE, "0 (no limit) or bytes per second"),
        r.integer(p + "client-burst", MIN_BURST, Integer.MAX_VALUE,
            "at least " + MIN_BURST + " bytes (one frame of the largest size)"),
        r.integer(p + "accept-rate", 1, 1_000_000, "1..1000000 connections per second"),
        r.integer(p + "accept-burst", 1, 1_000_000, "1..1000000 connections"));
    Duration grace = r.duration(p + "admission.grace-period", Duration.ofSeconds(10), Duration.ofDays(7));
    Optional<Path> allowList = r.path(p + "admission.allow-list-file", false);
    Optional<Path> meshKeyFile = r.path(p + "mesh.key-file", false);
    List<MeshPeer> peers = r.list(p + "mesh.peers", MeshPeer::parse,
        "\"<relay public key>@host:port\", e.g. \"BtgbLUKv0Vs+k9BmpdcrBkRv7DjEwrKrHXb4UhlnfAE=@relay-eu-2.example:443\"");
    if (!peers.isEmpty() && meshKeyFile.isEmpty()) {
      r.problem(p + "mesh.key-file", "missing: mesh peers need the region's mesh key; accepted: a file holding it");
    }
    Optional<ListenSettings> metrics = r.bool(p + "metrics.enabled")
        ? Optional.of(new ListenSettings(r.ipLiteral(p + "metrics.listen-address"), r.listenPort(p + "metrics.listen-port")))
        : Optional.empty();
    return new RelaySettings(r.ipLiteral(p + "listen-address"), r.listenPort(p + "listen-port"),
        r.listenPort(p + "stun-port"), tls, limits, grace, allowList, meshKeyFile, peers, metrics);
  }
}
