package com.oversoc.mesh.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns environment variables {@code OVSGW_CONFIG_<PATH>} into configuration overrides, using
 * Typesafe Config's own convention for the path: {@code _} separates sections, {@code __} is a
 * dash, {@code ___} is an underscore, and names are lower-cased. So
 * {@code OVSGW_CONFIG_DIRECT_LISTEN__PORT=41642} sets {@code ovsgw.direct.listen-port}.
 *
 * <p>Values are taken as text, never parsed as HOCON (a base64 key may contain {@code //}, which
 * HOCON would read as a comment). Where the default is a list, the text is split on commas.
 */
public final class EnvironmentOverrides {
  public static final String PREFIX = "OVSGW_CONFIG_";

  private EnvironmentOverrides() {}

  /**
   * The overrides found in {@code env}; malformed variable names become problems.
   *
   * @param reference the defaults, used to tell which keys hold lists
   */
  public static Config from(Map<String, String> env, Config reference, List<ConfigProblem> problems) {
    Config out = ConfigFactory.empty();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String origin = ConfigReader.ENV_ORIGIN_PREFIX + name;
      String path = toPath(name.substring(PREFIX.length()));
      if (path == null) {
        problems.add(new ConfigProblem(origin, name, "cannot be read as a configuration path; accepted: "
            + PREFIX + "SECTION_KEY with __ for '-' and ___ for '_', e.g. " + PREFIX + "DIRECT_LISTEN__PORT"));
        continue;
      }
      String fullPath = "ovsgw." + path;
      Object value = e.getValue();
      try {
        if (reference.hasPath(fullPath) && reference.getValue(fullPath).valueType() == ConfigValueType.LIST) {
          value = e.getValue().isBlank()
              ? List.of()
              : Arrays.stream(e.getValue().split(",")).map(String::strip).toList();
        }
        out = out.withValue(fullPath, ConfigValueFactory.fromAnyRef(value, origin));
      } catch (ConfigException ex) {
        problems.add(new ConfigProblem(origin, fullPath, ex.getMessage()));
      }
    }
    return out;
  }

  /** The HOCON path for the part of a variable name after the prefix, or null if malformed. */
  static String toPath(String rest) {
    if (rest.isEmpty()) {
      return null;
    }
    StringBuilder path = new StringBuilder(rest.length());
    int i = 0;
    while (i < rest.length()) {
      char c = rest.charAt(i);
      if (c != '_') {
        if (!Character.isLetterOrDigit(c)) {
          return null;
        }
        path.append(Character.toLowerCase(c));
        i++;
        continue;
      }
      int run = 0;
      while (i < rest.length() && rest.charAt(i) == '_') {
        run++;
        i++;
      }
      switch (run) {
        case 1 -> path.append('.');
        case 2 -> path.append('-');
        case 3 -> path.append('_');
        default -> {
          return null;
        }
      }
    }
    String p = path.toString().toLowerCase(Locale.ROOT);
    if (p.startsWith(".") || p.endsWith(".") || p.contains("..")) {
      return null;
    }
    return p;
  }
}
