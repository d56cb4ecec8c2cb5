package com.oversoc.mesh.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay role's section, {@code ovsgw.relay}. */
class RelayConfigTest {
  @TempDir Path dir;

  static final String RELAY = """
      ovsgw {
        role = relay
        node { state-dir = "/tmp/ovsgw-relay" }
        control {
          coordinators = ["coord.example.net:8443"]
          coordinator-public-key = "%s"
        }
      }
      """.formatted(ConfigLoaderTest.KEY);

  @Test
  void relayDefaultsAreTheDocumentedOnes() throws Exception {
    NodeConfig.RelaySettings r = load(RELAY).relay();
    assertEquals(443, r.port());
    assertEquals(3478, r.stunPort());
    assertEquals(new NodeConfig.RelayLimits(32, java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(60),
        125_000_000, 1_048_576, 2000, 500), r.limits());
    assertEquals(java.time.Duration.ofMinutes(5), r.admissionGrace());
    assertTrue(r.tls().isEmpty() && r.allowListFile().isEmpty() && r.meshKeyFile().isEmpty() && r.meshPeers().isEmpty());
    assertEquals(9469, r.metrics().orElseThrow().port());
    assertEquals("127.0.0.1", r.metrics().orElseThrow().address().toString());
  }

  @Test
  void relayDurationsAreCheckedForFormAndRange() {
    ConfigProblem form = onlyProblem(RELAY + "ovsgw.relay.write-timeout = \"2 parsecs\"\n");
    assertEquals("ovsgw.relay.write-timeout", form.key());
    assertTrue(form.message().contains("is not a duration; accepted: a duration from PT0.1S to PT1M"), form.message());
    ConfigProblem range = onlyProblem(RELAY + "ovsgw.relay.keepalive-interval = 90s\n");
    assertTrue(range.message().startsWith("PT1M30S is out of range; accepted: a duration from PT1S to PT1M10S"),
        range.message());
  }

  @Test
  void relayTlsNeedsBothFiles() {
    ConfigProblem p = onlyProblem(RELAY + "ovsgw.relay.tls.certificate-file = /etc/ovsgw/cert.pem\n");
    assertEquals("ovsgw.relay.tls.private-key-file", p.key());
    assertTrue(p.message().contains("both files or neither"), p.message());
  }

  @Test
  void relayMeshPeersAreParsedAndEachBadOneIsALine() throws Exception {
    String peer = ConfigLoaderTest.KEY + "@relay-eu-2.example:443";
    NodeConfig c = load(RELAY + "ovsgw.relay.mesh { key-file = /etc/ovsgw/mesh.key, peers = [\"" + peer + "\"] }\n");
    assertEquals("relay-eu-2.example:443", c.relay().meshPeers().get(0).address().toString());
    assertEquals(ConfigLoaderTest.KEY, c.relay().meshPeers().get(0).key().toBase64());

    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(RELAY
        + "ovsgw.relay.mesh { key-file = /etc/ovsgw/mesh.key, peers = [\"relay-2.example:443\", \"" + peer
        + "\", \"short@relay-3.example:443\"] }\n"));
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).message().startsWith("entry 1: 'relay-2.example:443' has no '@'"),
        e.problems().get(0).message());
    assertTrue(e.problems().get(1).message().startsWith("entry 3: key is 5 characters"), e.problems().get(1).message());

    ConfigProblem noKey = onlyProblem(RELAY + "ovsgw.relay.mesh.peers = [\"" + peer + "\"]\n");
    assertEquals("ovsgw.relay.mesh.key-file", noKey.key());
  }

  @Test
  void relayLimitsAndMetricsSwitch() throws Exception {
    assertEquals("ovsgw.relay.client-burst",
        onlyProblem(RELAY + "ovsgw.relay.client-burst = 1000\n").key());
    assertEquals("ovsgw.relay.send-queue-packets",
        onlyProblem(RELAY + "ovsgw.relay.send-queue-packets = 0\n").key());
    assertTrue(load(RELAY + "ovsgw.relay.metrics.enabled = false\n").relay().metrics().isEmpty());
    assertEquals("ovsgw.relay.metrics.enabled", onlyProblem(RELAY + "ovsgw.relay.metrics.enabled = maybe\n").key());
    NodeConfig env = load(RELAY, Map.of("OVSGW_CONFIG_RELAY_WRITE__TIMEOUT", "5s",
        "OVSGW_CONFIG_RELAY_CLIENT__RATE__LIMIT", "0"));
    assertEquals(java.time.Duration.ofSeconds(5), env.relay().limits().writeTimeout());
    assertEquals(0, env.relay().limits().clientRateBytesPerSecond());
  }

  @Test
  void aLabRelayTakesItsAdmissionFromTheAllowListAndNeedsNoCoordinator() throws Exception {
    NodeConfig c = load("""
        ovsgw {
          role = relay
          node.state-dir = "/tmp/ovsgw-relay"
          relay.admission.allow-list-file = "/etc/ovsgw/relay-allow.keys"
        }
        """);
    assertEquals(java.util.Optional.of(Path.of("/etc/ovsgw/relay-allow.keys")), c.relay().allowListFile());
    assertTrue(c.control().coordinators().isEmpty() && c.control().coordinatorKey().isEmpty());
  }

  @Test
  void aRelayWithBothAdmissionSourcesIsOneProblemNamingTheAlternative() {
    ConfigProblem p = onlyProblem(RELAY + "ovsgw.relay.admission.allow-list-file = /etc/ovsgw/relay-allow.keys\n");
    assertEquals("ovsgw.relay.admission.allow-list-file", p.key());
    assertTrue(p.message().startsWith("set together with ovsgw.control.coordinators; accepted: exactly one source of "
        + "admission: the coordinator's active keys (ovsgw.control.*) or, for a lab relay"), p.message());
  }

  @Test
  void aRelayWithNeitherAdmissionSourceIsToldOfBoth() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> load("ovsgw { role = relay, node.state-dir = \"/tmp/ovsgw-relay\" }\n"));
    assertEquals(List.of("ovsgw.control.coordinators", "ovsgw.control.coordinator-public-key"),
        e.problems().stream().map(ConfigProblem::key).toList());
    assertTrue(e.problems().get(0).message().endsWith("(or, for a lab relay without a coordinator, "
        + "ovsgw.relay.admission.allow-list-file)"), e.problems().get(0).message());
  }

  private NodeConfig load(String text) throws Exception {
    return load(text, Map.of());
  }

  private NodeConfig load(String text, Map<String, String> env) throws Exception {
    return ConfigLoader.load(Files.writeString(dir.resolve("relay.conf"), text), env);
  }

  private ConfigProblem onlyProblem(String text) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(text));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }
}
