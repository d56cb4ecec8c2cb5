package com.oversoc.mesh.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.coordinator.CoordinatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ovsgw.coordinator: defaults, every setting read, and one problem line per mistake. */
class CoordinatorConfigTest {
  static final String RELAY_KEY = "BtgbLUKv0Vs+k9BmpdcrBkRv7DjEwrKrHXb4UhlnfAE=";
  static final String BASE = "ovsgw { role = coordinator, node.state-dir = \"/tmp/ovsgw-c\" }\n";

  @TempDir Path dir;

  private CoordinatorSettings load(String extra) throws Exception {
    return load(extra, Map.of());
  }

  private CoordinatorSettings load(String extra, Map<String, String> env) throws Exception {
    return ConfigLoader.load(Files.writeString(dir.resolve("c.conf"), BASE + extra), env).coordinator();
  }

  private List<ConfigProblem> problems(String extra) {
    return assertThrows(InvalidConfigException.class, () -> load(extra)).problems();
  }

  @Test
  void defaultsAreAnEmbeddedStoreOnLoopbackAdmin() throws Exception {
    CoordinatorSettings c = load("");
    assertTrue(c.database().url().startsWith("jdbc:h2:file:/tmp/ovsgw-c/coordinator"), c.database().url());
    assertEquals("127.0.0.1", c.adminAddress().toString());
    assertEquals(8444, c.adminPort());
    assertEquals(8443, c.controlPort());
    assertEquals(Duration.ofMinutes(5), c.maxClockSkew());
    assertEquals(Duration.ofDays(30), c.nodeKeyLifetime());
    assertEquals(Duration.ofMinutes(5), c.nodeKeyOverlap());
    assertEquals(Duration.ofSeconds(15), c.keepaliveInterval());
    assertEquals(Duration.ofSeconds(45), c.deadStreamTimeout());
    assertTrue(c.ulaPrefix().isEmpty());
    assertEquals(0, c.relayMap().getRegionsCount());
    assertFalse(c.cluster().enabled());
  }

  @Test
  void everySettingIsRead() throws Exception {
    CoordinatorSettings c = load("""
        ovsgw.coordinator {
          database { url = "jdbc:postgresql://db.example.net:5432/ovsgw", user = ovsgw, pool-size = 4 }
          max-clock-skew = 30s
          node-key-lifetime = 7d
          ula-prefix = "fd7a:115c:a1e0::/48"
          relays = [
            { region = 1, code = eu-par, host = "relay-1.example.net", port = 443, public-key = "%s" },
            { region = 1, code = eu-par, host = "relay-2.example.net", port = 443, stun-port = 3479, public-key = "%s" }
          ]
          cluster { enabled = true, listen-port = 2600, seed-nodes = ["10.0.0.1:2600", "10.0.0.2:2600"] }
        }
        """.formatted(RELAY_KEY, RELAY_KEY), Map.of("OVSGW_CONFIG_COORDINATOR_DATABASE_PASSWORD", "s3cret"));
    assertEquals("jdbc:postgresql://db.example.net:5432/ovsgw", c.database().url());
    assertEquals("s3cret", c.database().password());
    assertFalse(c.database().toString().contains("s3cret"), "the password is never printed");
    assertEquals(4, c.database().poolSize());
    assertEquals(Duration.ofSeconds(30), c.maxClockSkew());
    assertEquals(Duration.ofDays(7), c.nodeKeyLifetime());
    assertEquals("fd7a:115c:a1e0::/48", c.ulaPrefix().orElseThrow());
    assertEquals(1, c.relayMap().getRegionsCount());
    assertEquals(2, c.relayMap().getRegions(0).getServersCount());
    assertEquals(3479, c.relayMap().getRegions(0).getServers(1).getStunPort());
    assertTrue(c.cluster().enabled());
    assertEquals(List.of("10.0.0.1:2600", "10.0.0.2:2600"), c.cluster().seedNodes());
  }

  @Test
  void eachMistakeIsOneLineNamingTheKey() {
    List<ConfigProblem> p = problems("""
        ovsgw.coordinator {
          database.url = "mysql://x"
          max-clock-skew = soon
          node-key-overlap = 10s
          keepalive-interval = 30s
          dead-stream-timeout = 40s
          ula-prefix = "2001:db8::/48"
          relays = [ { region = 0, code = x, host = "bad host", port = 443, public-key = "short" } ]
          cluster.seed-nodes = ["nohostport"]
          admin-listen-address = localhost
        }
        """);
    List<String> keys = p.stream().map(ConfigProblem::key).toList();
    assertEquals(List.of("ovsgw.coordinator.database.url", "ovsgw.coordinator.dead-stream-timeout",
        "ovsgw.coordinator.ula-prefix", "ovsgw.coordinator.cluster.seed-nodes",
        "ovsgw.coordinator.admin-listen-address", "ovsgw.coordinator.max-clock-skew",
        "ovsgw.coordinator.node-key-overlap", "ovsgw.coordinator.relays"), keys, p.toString());
    assertTrue(p.get(1).message().contains("shorter than twice keepalive-interval"), p.get(1).message());
    assertTrue(p.get(5).message().startsWith("'soon' is not a duration"), p.get(5).message());
    assertTrue(p.get(6).message().startsWith("PT10S is out of range"), p.get(6).message());
    assertTrue(p.get(7).message().startsWith("relay 0: "), p.get(7).message());
  }

  @Test
  void anUnknownKeyInARelayEntryIsRefused() {
    List<ConfigProblem> p = problems("ovsgw.coordinator.relays = [ { region = 1, code = a, host = h, port = 1, "
        + "public-key = \"" + RELAY_KEY + "\", colour = red } ]\n");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).message().contains("unknown key colour"), p.get(0).message());
  }

  @Test
  void tlsFilesComeInPairsAndTheRelayMapSaysWhichRelaysSpeakTls() throws Exception {
    NodeConfig c = ConfigLoader.load(Files.writeString(dir.resolve("t.conf"), BASE + """
        ovsgw.coordinator {
          tls { certificate-file = "/etc/ovsgw/cert.pem", private-key-file = "/etc/ovsgw/key.pem" }
          relays = [ { region = 1, code = "eu", host = "relay-1.example.net", port = 443, public-key = "%s", tls = true },
                     { region = 1, code = "eu", host = "relay-2.example.net", port = 443, public-key = "%s" } ]
        }
        """.formatted(RELAY_KEY, RELAY_KEY)), Map.of());
    assertEquals(Path.of("/etc/ovsgw/cert.pem"), c.coordinatorTls().orElseThrow().certificateChain());
    assertTrue(c.coordinator().relayMap().getRegions(0).getServers(0).getTls());
    assertFalse(c.coordinator().relayMap().getRegions(0).getServers(1).getTls(), "plain TCP unless said");

    List<ConfigProblem> p = problems("ovsgw.coordinator.tls.certificate-file = \"/etc/ovsgw/cert.pem\"\n");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).toString().contains("ovsgw.coordinator.tls.private-key-file"), p.get(0).toString());
    List<ConfigProblem> q = problems("ovsgw.coordinator.relays = [ { region = 1, code = eu, host = r.example.net, "
        + "port = 443, public-key = \"" + RELAY_KEY + "\", tls = maybe } ]\n");
    assertEquals(1, q.size(), q.toString());
    assertTrue(q.get(0).toString().contains("ovsgw.coordinator.relays"), q.get(0).toString());
  }
}
