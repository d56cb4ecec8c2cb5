package com.oversoc.mesh.node.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import com.oversoc.mesh.node.config.NodeConfig.LogFormat;
import com.oversoc.mesh.node.config.NodeConfig.LogSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code ovsgw.log}: text lines by default, or one JSON object per line with Logback's
 * own {@code JsonEncoder}. Logs go to stderr so that a command's output on stdout stays clean.
 */
public final class LoggingSetup {
  static final String TEXT_RESOURCE = "ovsgw-logback-text.xml";
  static final String JSON_RESOURCE = "ovsgw-logback-json.xml";

  private LoggingSetup() {}

  public static void apply(LogSettings settings) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding (e.g. in an embedding application) owns logging
    }
    String resource = settings.format() == LogFormat.JSON ? JSON_RESOURCE : TEXT_RESOURCE;
    String xml = "<configuration><include resource=\"" + resource + "\"/></configuration>";
    context.reset();
    context.putProperty("OVSGW_LOG_LEVEL", settings.level().toUpperCase(Locale.ROOT));
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (JoranException e) {
      throw new IllegalStateException("logging configuration " + resource + " is broken", e);
    }
  }
}
