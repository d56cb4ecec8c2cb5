package com.oversoc.mesh.node.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version this binary was built as, from {@code ovsgw-build.properties}. */
public final class BuildInfo {
  private static final String RESOURCE = "/ovsgw-build.properties";

  private BuildInfo() {}

  public static String version() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  /** "25.0.3+9-LTS Eclipse Adoptium at /usr/lib/jvm/temurin-25-jdk-amd64". */
  public static String runtime() {
    return System.getProperty("java.runtime.version") + " " + System.getProperty("java.vendor")
        + " at " + System.getProperty("java.home");
  }
}
