package com.oversoc.mesh.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;

  private record Result(int exit, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Cli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void versionPrintsOurVersionAndTheJdk() {
    Result r = run("version");
    assertEquals(ExitCodes.OK, r.exit());
    assertTrue(r.out().startsWith("ovsgw " + BuildInfo.version()), r.out());
    assertTrue(r.out().contains("java " + System.getProperty("java.runtime.version")), r.out());
    assertTrue(!BuildInfo.version().equals("unknown") && !BuildInfo.version().contains("${"), BuildInfo.version());
  }

  @Test
  void configCheckAcceptsTheShippedGatewayFile() {
    Result r = run("config", "check", "../config/gateway.conf");
    assertEquals(ExitCodes.OK, r.exit(), r.err());
    assertEquals("../config/gateway.conf: OK (role gateway)", r.out().strip());
  }

  @Test
  void configCheckRefusesABrokenCopyWithExitTwoAndOneLineNamingTheKey() throws Exception {
    String broken = Files.readString(Path.of("../config/gateway.conf"))
        .replace("listen-port = 41641", "listen-port = 41641000");
    Path file = Files.writeString(dir.resolve("gateway.conf"), broken);
    Result r = run("config", "check", file.toString());
    assertEquals(ExitCodes.USAGE, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("ovsgw.direct.listen-port: 41641000 is out of range"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void configCheckRefusesARelayWithTwoSourcesOfAdmission() throws Exception {
    String shipped = Files.readString(Path.of("../config/relay.conf"));
    assertEquals("../config/relay.conf: OK (role relay)", run("config", "check", "../config/relay.conf").out().strip());
    String both = shipped.replace("# admission.allow-list-file", "admission.allow-list-file");
    Path file = Files.writeString(dir.resolve("relay.conf"), both);
    Result r = run("config", "check", file.toString());
    assertEquals(ExitCodes.USAGE, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("ovsgw.relay.admission.allow-list-file: set together with ovsgw.control.coordinators; "
        + "accepted: exactly one source of admission"), r.err());
  }

  @Test
  void runWithAnInvalidConfigExitsTwo() throws Exception {
    Path file = Files.writeString(dir.resolve("x.conf"), "ovsgw.role = firewall\n");
    Result r = run("run", "--config", file.toString());
    assertEquals(ExitCodes.USAGE, r.exit());
    assertTrue(r.err().contains("ovsgw.role: 'firewall' is not accepted"), r.err());
  }

  @Test
  void badArgumentsAreAUsageError() {
    assertEquals(ExitCodes.USAGE, run("frobnicate").exit());
    assertEquals(ExitCodes.USAGE, run("run").exit());
    assertEquals(ExitCodes.USAGE, run("config", "check").exit());
  }
}
