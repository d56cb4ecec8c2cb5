package com.oversoc.mesh.node.config;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.protocol.control.MeshAddresses.UlaPrefix;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads and validates {@code ovsgw.coordinator} into {@link CoordinatorSettings}. */
final class CoordinatorConfig {
  private static final String P = "ovsgw.coordinator.";
  private static final String RELAY_ACCEPTED = "{ region = 1, code = \"eu-par\", host = \"relay-1.example.net\", "
      + "port = 443, stun-port = 3478, public-key = \"<44-character base64>\", tls = false }";
  private static final Set<String> RELAY_KEYS =
      Set.of("region", "code", "host", "port", "stun-port", "public-key", "tls");
  private static final Pattern REGION_CODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final int MAX_POOL = 1000;

  private CoordinatorConfig() {}

  static CoordinatorSettings read(ConfigReader r, Path stateDir) {
    String url = r.string(P + "database.url");
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
      r.problem(P + "database.url", "'" + url + "' is not a supported JDBC URL; accepted: empty (H2 in the "
          + "state directory), jdbc:postgresql://HOST:PORT/DB or jdbc:h2:...");
    }
    int pool = r.integer(P + "database.pool-size", 1, MAX_POOL, "1.." + MAX_POOL);
    Database.Settings db = url.isEmpty()
        ? Database.Settings.h2File(stateDir, pool)
        : new Database.Settings(url, r.string(P + "database.user"), r.string(P + "database.password"), pool);

    Duration keepalive = r.duration(P + "keepalive-interval", Duration.ofSeconds(1), Duration.ofMinutes(10));
    Duration dead = r.duration(P + "dead-stream-timeout", Duration.ofSeconds(2), Duration.ofHours(1));
    if (dead.compareTo(keepalive.multipliedBy(2)) < 0) {
      r.problem(P + "dead-stream-timeout", dead + " is shorter than twice keepalive-interval (" + keepalive
          + "); accepted: at least " + keepalive.multipliedBy(2) + ", or one lost keepalive would drop nodes");
    }
    Optional<String> ula = r.optional(P + "ula-prefix", s -> UlaPrefix.parse(s).toString());

    List<String> seeds = r.strings(P + "cluster.seed-nodes");
    for (String s : seeds) {
      try {
        Endpoint.parse(s);
      } catch (AddressFormatException e) {
        r.problem(P + "cluster.seed-nodes", e.getMessage());
      }
    }
    CoordinatorSettings.Cluster cluster = new CoordinatorSettings.Cluster(
        booleanValue(r, P + "cluster.enabled"),
        r.ipLiteral(P + "cluster.listen-address"),
        r.listenPort(P + "cluster.listen-port"),
        seeds);

    return new CoordinatorSettings(
        stateDir,
        r.ipLiteral(P + "listen-address"),
        r.listenPort(P + "listen-port"),
        r.ipLiteral(P + "admin-listen-address"),
        r.listenPort(P + "admin-listen-port"),
        db,
        r.duration(P + "max-clock-skew", Duration.ofSeconds(1), Duration.ofDays(1)),
        r.duration(P + "node-key-lifetime", Duration.ofHours(1), Duration.ofDays(3650)),
        r.duration(P + "node-key-overlap", Duration.ofMinutes(3), Duration.ofDays(7)),
        r.duration(P + "ephemeral-offline-timeout", Duration.ofMinutes(1), Duration.ofDays(365)),
        keepalive,
        dead,
        r.duration(P + "hello-timeout", Duration.ofSeconds(1), Duration.ofMinutes(10)),
        r.integer(P + "session-queue-size", 16, 1_000_000, "16..1000000"),
        r.integer(P + "max-unenrolled-connections", 1, 1_000_000, "1..1000000"),
        ula,
        relayMap(r),
        cluster);
  }

  private static boolean booleanValue(ConfigReader r, String path) {
    String s = r.string(path);
    if (!s.equals("true") && !s.equals("false")) {
      r.problem(path, "'" + s + "' is not accepted; accepted: true, false");
    }
    return s.equals("true");
  }

  private static RelayMap relayMap(ConfigReader r) {
    String path = P + "relays";
    Map<Integer, RelayRegion.Builder> regions = new LinkedHashMap<>();
    List<Config> items = r.sections(path, "a list of " + RELAY_ACCEPTED);
    for (int i = 0; i < items.size(); i++) {
      Config c = items.get(i);
      String where = "relay " + i + ": ";
      Set<String> unknown = new TreeSet<>(c.root().keySet());
      unknown.removeAll(RELAY_KEYS);
      if (!unknown.isEmpty()) {
        r.problem(path, where + "unknown key " + unknown.iterator().next() + "; accepted: " + RELAY_ACCEPTED);
        continue;
      }
      try {
        int region = c.getInt("region");
        String code = c.getString("code");
        String host = c.getString("host");
        int port = c.getInt("port");
        int stun = c.hasPath("stun-port") ? c.getInt("stun-port") : 3478;
        boolean tls = c.hasPath("tls") && c.getBoolean("tls");
        RelayPublicKey key = RelayPublicKey.parse(c.getString("public-key"));
        new Endpoint(host, port); // validates host and port
        if (region < 1 || region > 65535 || !REGION_CODE.matcher(code).matches() || stun < 0 || stun > 65535) {
          throw new IllegalArgumentException("region must be 1..65535, code lower-case letters, digits or '-', "
              + "stun-port 0..65535");
        }
        RelayRegion.Builder b = regions.computeIfAbsent(region,
            id -> RelayRegion.newBuilder().setRegionId(id).setCode(code));
        if (!b.getCode().equals(code)) {
          throw new IllegalArgumentException("region " + region + " has two codes: " + b.getCode() + " and " + code);
        }
        b.addServers(RelayServer.newBuilder().setHost(host).setPort(port).setStunPort(stun)
            .setPublicKey(ByteString.copyFrom(key.bytes())).setTls(tls));
      } catch (ConfigException | KeyFormatException | AddressFormatException e) {
        r.problem(path, where + e.getMessage() + "; accepted: " + RELAY_ACCEPTED);
      } catch (IllegalArgumentException e) {
        r.problem(path, where + e.getMessage());
      }
    }
    RelayMap.Builder m = RelayMap.newBuilder();
    new ArrayList<>(regions.values()).forEach(m::addRegions);
    return m.build();
  }
}
