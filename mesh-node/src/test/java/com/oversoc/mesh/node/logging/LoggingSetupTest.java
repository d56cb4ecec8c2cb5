package com.oversoc.mesh.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.node.config.NodeConfig.LogFormat;
import com.oversoc.mesh.node.config.NodeConfig.LogSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
  private final PrintStream originalErr = System.err;

  @AfterEach
  void restore() {
    System.setErr(originalErr);
    LoggingSetup.apply(new LogSettings(LogFormat.TEXT, "info"));
  }

  private List<String> logWith(LogSettings settings) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LoggingSetup.apply(settings); // the console appender binds System.err when it starts
    Logger log = LoggerFactory.getLogger("ovsgw.test");
    log.info("peer {} connected", "acme-dmz-1");
    log.debug("debug detail");
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonFormatWritesOneJsonObjectPerLine() {
    List<String> lines = logWith(new LogSettings(LogFormat.JSON, "info"));
    assertEquals(1, lines.size(), lines.toString());
    String line = lines.get(0);
    assertTrue(line.startsWith("{") && line.endsWith("}"), line);
    assertTrue(line.contains("\"level\":\"INFO\""), line);
    assertTrue(line.contains("\"loggerName\":\"ovsgw.test\""), line);
    assertTrue(line.contains("\"formattedMessage\":\"peer acme-dmz-1 connected\""), line);
  }

  @Test
  void textFormatIsReadableAndHonoursTheLevel() {
    List<String> lines = logWith(new LogSettings(LogFormat.TEXT, "debug"));
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("INFO  [") && lines.get(0).endsWith("ovsgw.test - peer acme-dmz-1 connected"),
        lines.get(0));
    assertFalse(lines.get(0).startsWith("{"));
    assertTrue(lines.get(1).contains("DEBUG"), lines.get(1));
  }
}
