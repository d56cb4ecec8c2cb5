package com.oversoc.mesh.node.config;

import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values from a merged configuration (the node's file and environment over
 * {@code reference.conf}), turning each mistake into a {@link ConfigProblem} instead of an
 * exception, so that one run reports every problem of a file. Readers return a placeholder
 * (empty string, zero, empty list) after a problem; callers never act on a config with problems.
 */
public final class ConfigReader {
  /** Origin text of values that came from an environment variable. */
  static final String ENV_ORIGIN_PREFIX = "environment variable ";

  private final Config config;
  private final List<ConfigProblem> problems;

  ConfigReader(Config config, List<ConfigProblem> problems) {
    this.config = config;
    this.problems = problems;
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  /**
   * Records a problem with the value at {@code path}, naming where that value came from. A key
   * gets one problem: the first found, so a reader never reports the same mistake twice.
   */
  public void problem(String path, String message) {
    if (!isProblem(path)) {
      problems.add(new ConfigProblem(origin(path), path, message));
    }
  }

  /** A string value; a number or boolean is accepted as its text, a list or object is a problem. */
  public String string(String path) {
    ConfigValue v = value(path);
    if (v == null) {
      return "";
    }
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      problem(path, "expected a single value, got a " + typeName(v) + "; accepted: a string");
      return "";
    }
    if (v.valueType() == ConfigValueType.NULL) {
      return "";
    }
    return String.valueOf(v.unwrapped());
  }

  /** A whole number in [{@code min}, {@code max}]; {@code accepted} explains the range. */
  public int integer(String path, int min, int max, String accepted) {
    ConfigValue v = value(path);
    if (v == null) {
      return min;
    }
    long n;
    Object raw = v.unwrapped();
    if (raw instanceof Integer || raw instanceof Long) {
      n = ((Number) raw).longValue();
    } else if (raw instanceof String s && s.strip().matches("-?[0-9]{1,18}")) {
      n = Long.parseLong(s.strip()); // environment overrides arrive as strings
    } else {
      problem(path, "'" + printable(raw) + "' is not a whole number; accepted: " + accepted);
      return min;
    }
    if (n < min || n > max) {
      problem(path, n + " is out of range; accepted: " + accepted);
      return min;
    }
    return (int) n;
  }

  /** A duration in [{@code min}, {@code max}], written as HOCON durations are ("45s", "5m", "30d"). */
  public Duration duration(String path, Duration min, Duration max) {
    ConfigValue v = value(path);
    String accepted = "a duration from " + min + " to " + max + ", e.g. 45s, 5m, 30d";
    if (v == null) {
      return min;
    }
    Duration d;
    try {
      d = config.getDuration(path);
    } catch (ConfigException e) {
      problem(path, "'" + printable(v.unwrapped()) + "' is not a duration; accepted: " + accepted);
      return min;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problem(path, d + " is out of range; accepted: " + accepted);
      return min;
    }
    return d;
  }

  /** A list whose items are sections ({ ... }); each is returned as its own Config. */
  public List<Config> sections(String path, String accepted) {
    ConfigValue v = value(path);
    if (v == null) {
      return List.of();
    }
    if (v.valueType() != ConfigValueType.LIST) {
      problem(path, "expected a list, got a " + typeName(v) + "; accepted: " + accepted);
      return List.of();
    }
    List<Config> out = new ArrayList<>();
    for (ConfigValue item : (com.typesafe.config.ConfigList) v) {
      if (item.valueType() != ConfigValueType.OBJECT) {
        problem(path, "item " + out.size() + " is a " + typeName(item) + "; accepted: " + accepted);
        return List.of();
      }
      out.add(((com.typesafe.config.ConfigObject) item).toConfig());
    }
    return out;
  }

  /** A list of strings (numbers and booleans taken as their text). */
  public List<String> strings(String path) {
    ConfigValue v = value(path);
    if (v == null) {
      return List.of();
    }
    if (v.valueType() != ConfigValueType.LIST) {
      problem(path, "expected a list, got a " + typeName(v));
      return List.of();
    }
    return ((List<?>) v.unwrapped()).stream().map(String::valueOf).toList();
  }

  /** A TCP or UDP port to listen on; 0 picks a free port. */
  public int listenPort(String path) {
    return integer(path, 0, 65535, "0..65535 (0 picks a free port)");
  }

  /** One of the given words, compared exactly (configuration words are lower case). */
  public String oneOf(String path, List<String> accepted) {
    String s = string(path);
    if (!accepted.contains(s)) {
      problem(path, (s.isEmpty() ? "missing" : "'" + s + "' is not accepted") + "; accepted: "
          + String.join(", ", accepted));
    }
    return s;
  }

  /** An IP literal; host names are refused, never resolved. */
  public IpLiteral ipLiteral(String path) {
    String s = string(path);
    try {
      return IpLiteral.parse(s);
    } catch (AddressFormatException e) {
      problem(path, e.getMessage());
      return IpLiteral.ofBytes(new byte[4]);
    }
  }

  /** A list of host:port endpoints. */
  public List<Endpoint> endpoints(String path) {
    ConfigValue v = value(path);
    if (v == null) {
      return List.of();
    }
    if (v.valueType() != ConfigValueType.LIST) {
      problem(path, "expected a list, got a " + typeName(v)
          + "; accepted: a list of host:port, e.g. [\"coord.example.net:8443\"]");
      return List.of();
    }
    List<Endpoint> out = new ArrayList<>();
    for (Object item : (List<?>) v.unwrapped()) {
      try {
        out.add(Endpoint.parse(item instanceof String s ? s : String.valueOf(item)));
      } catch (AddressFormatException e) {
        problem(path, e.getMessage());
      }
    }
    return out;
  }

  /** true or false (also yes/no, on/off, as HOCON allows). */
  public boolean bool(String path) {
    if (value(path) == null) {
      return false;
    }
    try {
      return config.getBoolean(path);
    } catch (ConfigException e) {
      problem(path, "'" + printable(config.getValue(path).unwrapped()) + "' is not a boolean; accepted: true, false");
      return false;
    }
  }

  /** A list of strings, each parsed by {@code parser}; each bad entry is its own problem. */
  public <T> List<T> list(String path, Function<String, T> parser, String accepted) {
    ConfigValue v = value(path);
    if (v == null) {
      return List.of();
    }
    if (v.valueType() != ConfigValueType.LIST) {
      problem(path, "expected a list, got a " + typeName(v) + "; accepted: " + accepted);
      return List.of();
    }
    List<T> out = new ArrayList<>();
    List<?> items = (List<?>) v.unwrapped();
    for (int i = 0; i < items.size(); i++) {
      try {
        out.add(parser.apply(String.valueOf(items.get(i))));
      } catch (IllegalArgumentException e) {
        // One line per bad entry: each is its own mistake.
        problems.add(new ConfigProblem(origin(path), path,
            "entry " + (i + 1) + ": " + e.getMessage() + "; accepted: " + accepted));
      }
    }
    return out;
  }

  /** An optional value parsed by {@code parser}; empty text is absent. Parser exceptions are problems. */
  public <T> Optional<T> optional(String path, Function<String, T> parser) {
    String s = string(path);
    if (s.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(s));
    } catch (IllegalArgumentException e) {
      problem(path, e.getMessage());
      return Optional.empty();
    }
  }

  /** A file system path; empty is a problem when {@code required}. */
  /**
   * A server's TLS files under {@code section}: {@code certificate-file} (PEM chain) and
   * {@code private-key-file} (PEM PKCS#8), both or neither.
   */
  public Optional<NodeConfig.TlsFiles> tlsFiles(String section) {
    Optional<Path> cert = path(section + ".certificate-file", false);
    Optional<Path> key = path(section + ".private-key-file", false);
    if (cert.isPresent() != key.isPresent()) {
      problem(section + (cert.isPresent() ? ".private-key-file" : ".certificate-file"),
          "missing: TLS needs both the certificate chain and its key; accepted: both files or neither");
    }
    return cert.isPresent() && key.isPresent()
        ? Optional.of(new NodeConfig.TlsFiles(cert.get(), key.get())) : Optional.empty();
  }

  public Optional<Path> path(String path, boolean required) {
    String s = string(path);
    if (s.isBlank()) {
      if (required) {
        problem(path, "missing; accepted: a directory or file path");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(s));
    } catch (InvalidPathException e) {
      problem(path, "'" + s + "' is not a valid path: " + e.getReason());
      return Optional.empty();
    }
  }

  /** True if a problem was already recorded for {@code path}, so a reader does not report it twice. */
  private boolean isProblem(String path) {
    return problems.stream().anyMatch(p -> p.key().equals(path));
  }

  private ConfigValue value(String path) {
    try {
      return config.hasPathOrNull(path) ? config.getValue(path) : null;
    } catch (ConfigException.Null e) {
      return null;
    } catch (ConfigException e) {
      problem(path, e.getMessage());
      return null;
    }
  }

  /** Where the value at {@code path} came from, or "" for a default or a missing value. */
  String origin(String path) {
    ConfigOrigin o;
    try {
      if (!config.hasPathOrNull(path)) {
        return "";
      }
      o = config.getValue(path).origin();
    } catch (ConfigException e) {
      return "";
    }
    return describe(o);
  }

  static String describe(ConfigOrigin o) {
    if (o.filename() != null) {
      return o.filename() + (o.lineNumber() > 0 ? ":" + o.lineNumber() : "");
    }
    if (o.description() != null && o.description().startsWith(ENV_ORIGIN_PREFIX)) {
      return o.description();
    }
    return "";
  }

  private static String typeName(ConfigValue v) {
    return switch (v.valueType()) {
      case OBJECT -> "section";
      case LIST -> "list";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case NULL -> "null";
      case STRING -> "string";
    };
  }

  private static String printable(Object raw) {
    String s = String.valueOf(raw);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
