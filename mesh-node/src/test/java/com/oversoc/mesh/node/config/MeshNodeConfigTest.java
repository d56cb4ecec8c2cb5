package com.oversoc.mesh.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's and the platform's sections, {@code ovsgw.gateway} and {@code ovsgw.platform}. */
class MeshNodeConfigTest {
  @TempDir Path dir;

  static final String NODE = """
      ovsgw {
        role = %s
        node { state-dir = "/tmp/ovsgw-node" }
        control {
          coordinators = ["coord.example.net:8443"]
          coordinator-public-key = "%s"
        }
      }
      """;

  private static String node(String role) {
    return NODE.formatted(role, ConfigLoaderTest.KEY);
  }

  @Test
  void aGatewayDialsOnlyWhatItLists() throws Exception {
    NodeConfig c = load(node("gateway")
        + "ovsgw.gateway.allowed-targets = [\"10.0.1.50:8443\", \"10.0.2.0/24:443\", \"[2001:db8::]/32:443\"]\n");
    var rules = c.gateway().allowedTargets();
    assertEquals(3, rules.size());
    assertTrue(rules.get(1).matches(IpLiteral.parse("10.0.2.77"), 443));
    assertEquals(Duration.ofSeconds(10), c.gateway().connectTimeout());
    assertTrue(load(node("gateway")).gateway().allowedTargets().isEmpty(), "by default nothing is allowed");
  }

  @Test
  void aHostNameOrABadPrefixIsOneLineEach() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(node("gateway")
        + "ovsgw.gateway.allowed-targets = [\"api.acme.example:443\", \"10.0.0.0/33:443\", \"10.0.0.1\"]\n"));
    assertEquals(3, e.problems().size(), e.getMessage());
    for (ConfigProblem p : e.problems()) {
      assertEquals("ovsgw.gateway.allowed-targets", p.key());
    }
    assertTrue(e.problems().get(0).message().contains("not an IP literal"), e.problems().get(0).message());
    assertTrue(e.problems().get(1).message().contains("/33 is out of range"), e.problems().get(1).message());
    assertTrue(e.problems().get(2).message().contains("has no port"), e.problems().get(2).message());
  }

  @Test
  void aPlatformsForwardsAreRead() throws Exception {
    NodeConfig c = load(node("platform") + """
        ovsgw.platform.forwards = [
          { listen = "127.0.0.1:18443", gateway = "acme-dmz-1", target = "10.0.1.50:8443" }
          { listen = "[::1]:18444", gateway = "acme-dmz-2", target = "[2001:db8::5]:443" }
        ]
        """);
    var f = c.platform().forwards();
    assertEquals(2, f.size());
    assertEquals(18443, f.get(0).listen().getPort());
    assertEquals("acme-dmz-1", f.get(0).gateway());
    assertEquals(IpLiteral.parse("10.0.1.50"), f.get(0).target());
    assertEquals(8443, f.get(0).targetPort());
    assertEquals(IpLiteral.parse("2001:db8::5"), f.get(1).target());
  }

  @Test
  void aForwardWithAMissingOrBadFieldIsOneLine() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(node("platform") + """
        ovsgw.platform.forwards = [
          { listen = "127.0.0.1:18443", gateway = "acme-dmz-1" }
          { listen = "localhost:18443", gateway = "acme-dmz-1", target = "10.0.1.50:8443" }
          { listen = "127.0.0.1:18443", gateway = "acme-dmz-1", target = "10.0.1.50:8443", tls = true }
        ]
        """));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).message().contains("'target'"), e.problems().get(0).message());
    assertTrue(e.problems().get(1).message().contains("not an IP literal"), e.problems().get(1).message());
    assertEquals("ovsgw.platform.forwards[2].tls", e.problems().get(2).key());
  }

  private NodeConfig load(String text) throws Exception {
    return ConfigLoader.load(Files.writeString(dir.resolve("node.conf"), text), Map.of());
  }

  @Test
  void aNodeDialsItsCoordinatorsInsideTlsWhenAskedAndTrustsWhatItIsTold() throws Exception {
    NodeConfig plain = load(node("platform"));
    assertFalse(plain.control().tls());
    assertTrue(plain.control().trustedCertificates().isEmpty(), "the JVM's CA bundle unless told otherwise");
    NodeConfig tls = load(node("platform")
        + "ovsgw.control.tls = true\novsgw.tls.trusted-certificates-file = \"/etc/ovsgw/ca.pem\"\n");
    assertTrue(tls.control().tls());
    assertEquals(Optional.of(Path.of("/etc/ovsgw/ca.pem")), tls.control().trustedCertificates());
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> load(node("gateway") + "ovsgw.control.tls = sometimes\n"));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).toString().contains("ovsgw.control.tls"), e.problems().toString());
  }
}
