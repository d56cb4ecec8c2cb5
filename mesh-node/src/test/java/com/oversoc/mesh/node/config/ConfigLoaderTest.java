package com.oversoc.mesh.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.node.config.NodeConfig.LogFormat;
import com.oversoc.mesh.protocol.net.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  static final String KEY = "BtgbLUKv0Vs+k9BmpdcrBkRv7DjEwrKrHXb4UhlnfAE=";
  static final String GATEWAY = """
      ovsgw {
        role = gateway
        node { name = "acme-dmz-1", state-dir = "/tmp/ovsgw" }
        control {
          coordinators = ["coord.example.net:8443"]
          coordinator-public-key = "%s"
        }
      }
      """.formatted(KEY);

  @TempDir Path dir;

  static Stream<Path> shippedConfigs() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "config"))) {
      List<Path> confs = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
      assertFalse(confs.isEmpty(), "config/*.conf not found from " + Path.of("").toAbsolutePath());
      return confs.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("shippedConfigs")
  void everyShippedConfigIsValid(Path file) throws Exception {
    NodeConfig config = ConfigLoader.load(file, Map.of());
    assertTrue(file.getFileName().toString().startsWith(config.role().configName()), file.toString());
  }

  @Test
  void validGatewayBecomesTypedConfigWithDefaults() throws Exception {
    NodeConfig c = load(GATEWAY);
    assertEquals(Role.GATEWAY, c.role());
    assertEquals("acme-dmz-1", c.node().name().orElseThrow());
    assertEquals(List.of(new Endpoint("coord.example.net", 8443)), c.control().coordinators());
    assertEquals(KEY, c.control().coordinatorKey().orElseThrow().toBase64());
    assertEquals(41641, c.direct().port());
    assertEquals("0.0.0.0", c.direct().address().toString());
    assertEquals(LogFormat.TEXT, c.log().format());
    assertEquals("info", c.log().level());
  }

  @Test
  void unknownRoleNamesWhatIsAccepted() {
    ConfigProblem p = onlyProblem(GATEWAY.replace("role = gateway", "role = gatway"));
    assertEquals("ovsgw.role", p.key());
    assertTrue(p.message().contains("'gatway' is not accepted; accepted: coordinator, relay, gateway, platform"),
        p.message());
    assertTrue(p.origin().endsWith("node.conf:2"), p.origin());
  }

  @Test
  void missingRoleIsAProblem() {
    ConfigProblem p = onlyProblem(GATEWAY.replace("role = gateway", ""));
    assertEquals("ovsgw.role", p.key());
    assertTrue(p.message().startsWith("missing; accepted: coordinator"), p.message());
  }

  @Test
  void gatewayWithoutCoordinatorKeyIsRefused() {
    ConfigProblem p = onlyProblem(GATEWAY.replace("coordinator-public-key = \"" + KEY + "\"", ""));
    assertEquals("ovsgw.control.coordinator-public-key", p.key());
    assertTrue(p.message().startsWith("missing: a gateway pins its coordinator's key"), p.message());
  }

  @Test
  void coordinatorNeedsNoCoordinatorKey() throws Exception {
    NodeConfig c = load("ovsgw { role = coordinator }");
    assertEquals(Role.COORDINATOR, c.role());
    assertTrue(c.control().coordinatorKey().isEmpty());
  }

  @Test
  void malformedBase64KeyIsRefused() {
    ConfigProblem p = onlyProblem(GATEWAY.replace(KEY, "BtgbLUKv0Vs+k9Bmpdcr!!Rv7DjEwrKrHXb4UhlnfAE="));
    assertEquals("ovsgw.control.coordinator-public-key", p.key());
    assertTrue(p.message().contains("not valid base64"), p.message());
    ConfigProblem shortKey = onlyProblem(GATEWAY.replace(KEY, "c2hvcnQ="));
    assertTrue(shortKey.message().contains("expected 44 characters of base64"), shortKey.message());
  }

  @Test
  void portOutOfRangeIsRefused() {
    ConfigProblem p = onlyProblem(GATEWAY + "ovsgw.direct.listen-port = 70000\n");
    assertEquals("ovsgw.direct.listen-port", p.key());
    assertEquals("70000 is out of range; accepted: 0..65535 (0 picks a free port)", p.message());
    assertEquals("ovsgw.direct.listen-port",
        onlyProblem(GATEWAY + "ovsgw.direct.listen-port = -1\n").key());
  }

  @Test
  void portOfTheWrongTypeIsRefused() {
    assertTrue(onlyProblem(GATEWAY + "ovsgw.direct.listen-port = \"abc\"\n").message()
        .startsWith("'abc' is not a whole number"));
    assertTrue(onlyProblem(GATEWAY + "ovsgw.direct.listen-port = 41641.5\n").message()
        .startsWith("'41641.5' is not a whole number"));
  }

  @Test
  void unknownKeySuggestsTheClosestKnownOne() {
    ConfigProblem p = onlyProblem(GATEWAY + "ovsgw.direct.listen-prot = 41641\n");
    assertEquals("ovsgw.direct.listen-prot", p.key());
    assertEquals("unknown key (did you mean 'listen-port'?); accepted in ovsgw.direct: listen-address, listen-port",
        p.message());
  }

  @Test
  void unknownSectionAndTopLevelKeyAreRefused() {
    ConfigProblem section = onlyProblem(GATEWAY + "ovsgw.socks { port = 1080 }\n");
    assertEquals("ovsgw.socks", section.key());
    ConfigProblem top = onlyProblem(GATEWAY + "ovsgww.role = gateway\n");
    assertEquals("ovsgww", top.key());
    assertEquals("unknown top-level key; accepted: ovsgw, pekko", top.message());
  }

  @Test
  void keyUnderASingleValueIsRefused() {
    ConfigProblem p = onlyProblem(GATEWAY.replace("role = gateway", "role { name = gateway }"));
    assertEquals("ovsgw.role", p.key());
  }

  @Test
  void hostNameWhereAnIpLiteralIsRequiredIsRefused() {
    ConfigProblem p = onlyProblem(GATEWAY + "ovsgw.direct.listen-address = localhost\n");
    assertEquals("ovsgw.direct.listen-address", p.key());
    assertTrue(p.message().contains("not an IP literal"), p.message());
  }

  @Test
  void malformedCoordinatorEndpointIsRefused() {
    ConfigProblem p = onlyProblem(GATEWAY.replace("coord.example.net:8443", "coord.example.net"));
    assertEquals("ovsgw.control.coordinators", p.key());
    assertTrue(p.message().contains("accepted: host:port"), p.message());
  }

  @Test
  void inlineAuthKeyAndKeyFileTogetherAreRefusedWithoutPrintingTheSecret() {
    String secret = "ovsgw-auth-supersecret-value";
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(GATEWAY
        + "ovsgw.control.auth-key = \"" + secret + "\"\novsgw.control.auth-key-file = /etc/ovsgw/auth-key\n"));
    assertEquals("ovsgw.control.auth-key-file", e.problems().get(0).key());
    assertFalse(e.getMessage().contains(secret));
  }

  @Test
  void everyProblemIsReportedOnItsOwnLine() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load("""
        ovsgw {
          role = gateway
          direct.listen-port = 99999
          log.format = xml
          log.level = verbose
        }
        """));
    List<String> keys = e.problems().stream().map(ConfigProblem::key).toList();
    assertEquals(List.of("ovsgw.log.format", "ovsgw.log.level", "ovsgw.control.coordinators",
        "ovsgw.control.coordinator-public-key", "ovsgw.direct.listen-port"), keys);
    assertEquals(keys.size(), e.getMessage().lines().count());
  }

  @Test
  void environmentOverridesWinAndNameTheVariableWhenWrong() throws Exception {
    NodeConfig c = load(GATEWAY, Map.of(
        "OVSGW_CONFIG_DIRECT_LISTEN__PORT", "41700",
        "OVSGW_CONFIG_CONTROL_COORDINATORS", "a.example:1, b.example:2",
        "OVSGW_CONFIG_LOG_FORMAT", "json",
        "UNRELATED", "x"));
    assertEquals(41700, c.direct().port());
    assertEquals(List.of(new Endpoint("a.example", 1), new Endpoint("b.example", 2)), c.control().coordinators());
    assertEquals(LogFormat.JSON, c.log().format());

    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> load(GATEWAY, Map.of("OVSGW_CONFIG_DIRECT_LISTEN__PORT", "port")));
    assertEquals("environment variable OVSGW_CONFIG_DIRECT_LISTEN__PORT", e.problems().get(0).origin());

    InvalidConfigException unknown = assertThrows(InvalidConfigException.class,
        () -> load(GATEWAY, Map.of("OVSGW_CONFIG_DIRECT_LISTEN__PROT", "1")));
    assertEquals("ovsgw.direct.listen-prot", unknown.problems().get(0).key());
  }

  @Test
  void environmentVariableNamesMapToPaths() {
    assertEquals("direct.listen-port", EnvironmentOverrides.toPath("DIRECT_LISTEN__PORT"));
    assertEquals("a.b_c", EnvironmentOverrides.toPath("A_B___C"));
    assertEquals(null, EnvironmentOverrides.toPath("_A"));
    assertEquals(null, EnvironmentOverrides.toPath("A____B"));
    assertEquals(null, EnvironmentOverrides.toPath("A-B"));
  }

  @Test
  void missingAndUnparseableFilesAreOneLineProblems() throws Exception {
    InvalidConfigException missing =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.conf"), Map.of()));
    assertTrue(missing.getMessage().endsWith("nope.conf: no such file"), missing.getMessage());

    Path broken = Files.writeString(dir.resolve("broken.conf"), "ovsgw { role = gateway \n");
    InvalidConfigException syntax =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(broken, Map.of()));
    assertEquals(1, syntax.getMessage().lines().count(), syntax.getMessage());
    assertTrue(syntax.getMessage().contains("broken.conf"), syntax.getMessage());
  }

  @Test
  void pekkoBlockIsPassedThrough() throws Exception {
    NodeConfig c = load(GATEWAY + "pekko.loglevel = WARNING\n");
    assertEquals("WARNING", c.pekko().getString("pekko.loglevel"));
  }

  private NodeConfig load(String text) throws Exception {
    return load(text, Map.of());
  }

  private NodeConfig load(String text, Map<String, String> env) throws Exception {
    Path file = Files.writeString(dir.resolve("node.conf"), text);
    return ConfigLoader.load(file, env);
  }

  private ConfigProblem onlyProblem(String text) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(text));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }
}
