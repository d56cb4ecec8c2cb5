package com.oversoc.mesh.node.config;

import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.node.config.NodeConfig.ControlSettings;
import com.oversoc.mesh.node.config.NodeConfig.ListenSettings;
import com.oversoc.mesh.node.config.NodeConfig.LogFormat;
import com.oversoc.mesh.node.config.NodeConfig.LogSettings;
import com.oversoc.mesh.node.config.NodeConfig.NodeSettings;
import com.oversoc.mesh.node.config.NodeConfig.GatewaySettings;
import com.oversoc.mesh.node.config.NodeConfig.PlatformSettings;
import com.oversoc.mesh.node.config.NodeConfig.RelaySettings;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads a node's configuration: the file, then {@code OVSGW_CONFIG_*} environment overrides on
 * top, then {@code reference.conf} underneath for defaults. Refuses unknown keys and collects
 * every problem before failing, so one run of {@code ovsgw config check} shows them all.
 */
public final class ConfigLoader {
  /** Top-level sections a node file may contain. */
  static final Set<String> TOP_LEVEL = Set.of("ovsgw", "pekko");

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  private ConfigLoader() {}

  /** Loads {@code file} with the process environment. */
  public static NodeConfig load(Path file) throws InvalidConfigException {
    return load(file, System.getenv());
  }

  public static NodeConfig load(Path file, Map<String, String> env) throws InvalidConfigException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(List.of(new ConfigProblem(file.toString(), "",
          Files.exists(file) ? "is not a regular file" : "no such file")));
    }
    if (!Files.isReadable(file)) {
      throw new InvalidConfigException(List.of(new ConfigProblem(file.toString(), "", "is not readable")));
    }
    Config parsed;
    try {
      parsed = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfigException(List.of(new ConfigProblem("", "", oneLine(e.getMessage()))));
    }
    return fromParsed(parsed, env);
  }

  /** Validates an already parsed configuration (tests, embedded use). */
  public static NodeConfig fromParsed(Config parsed, Map<String, String> env) throws InvalidConfigException {
    Config reference = ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader());
    List<ConfigProblem> problems = new ArrayList<>();
    Config user = EnvironmentOverrides.from(env, reference, problems).withFallback(parsed);
    try {
      user = user.resolve();
    } catch (ConfigException e) {
      problems.add(new ConfigProblem("", "", oneLine(e.getMessage())));
      throw new InvalidConfigException(problems);
    }

    checkKnownKeys(user, reference, problems);
    ConfigReader r = new ConfigReader(user.withFallback(reference), problems);
    NodeConfig config = read(r, user);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return config;
  }

  private static NodeConfig read(ConfigReader r, Config user) {
    String roleName = r.oneOf("ovsgw.role", List.of(Role.accepted().split(", ")));
    Role role = Role.fromConfigName(roleName).orElse(null);

    Optional<String> name = r.optional("ovsgw.node.name", s -> {
      if (!NODE_NAME.matcher(s).matches()) {
        throw new IllegalArgumentException("'" + s + "' is not a node name; accepted: 1 to 63 letters, "
            + "digits, '.', '_' or '-', starting with a letter or digit");
      }
      return s;
    });
    Path stateDir = r.path("ovsgw.node.state-dir", true).orElse(Path.of(""));
    NodeSettings node = new NodeSettings(name, stateDir);

    LogFormat format =
        r.oneOf("ovsgw.log.format", List.of("text", "json")).equals("json") ? LogFormat.JSON : LogFormat.TEXT;
    String level = r.oneOf("ovsgw.log.level", LOG_LEVELS);
    LogSettings log = new LogSettings(format, level);

    ControlSettings control = readControl(r, role);
    ListenSettings direct = new ListenSettings(
        r.ipLiteral("ovsgw.direct.listen-address"), r.listenPort("ovsgw.direct.listen-port"));
    CoordinatorSettings coordinator = CoordinatorConfig.read(r, stateDir);
    RelaySettings relay = RelayConfig.read(r);
    GatewaySettings gateway = MeshNodeConfig.readGateway(r);
    PlatformSettings platform = MeshNodeConfig.readPlatform(r);

    Config pekko = user.hasPath("pekko") ? user.getConfig("pekko").atKey("pekko") : ConfigFactory.empty();
    return new NodeConfig(role, node, log, control, direct, coordinator, r.tlsFiles("ovsgw.coordinator.tls"), relay,
        gateway, platform, pekko);
  }

  /** The lab relay's alternative to the coordinator feed, read here to decide what control needs. */
  static final String ALLOW_LIST_FILE = "ovsgw.relay.admission.allow-list-file";

  private static ControlSettings readControl(ConfigReader r, Role role) {
    var coordinators = r.endpoints("ovsgw.control.coordinators");
    Optional<CoordinatorPublicKey> key =
        r.optional("ovsgw.control.coordinator-public-key", CoordinatorPublicKey::parse);
    Optional<SecretString> authKey = r.optional("ovsgw.control.auth-key", SecretString::new);
    Optional<Path> authKeyFile = r.path("ovsgw.control.auth-key-file", false);
    if (authKey.isPresent() && authKeyFile.isPresent()) {
      r.problem("ovsgw.control.auth-key-file",
          "set together with ovsgw.control.auth-key; accepted: at most one of the two");
    }
    // A relay's admission has exactly one source: the coordinator's feed, or a lab's allow-list.
    boolean labRelay = role == Role.RELAY && !r.string(ALLOW_LIST_FILE).isBlank();
    if (labRelay && !coordinators.isEmpty()) {
      r.problem(ALLOW_LIST_FILE, "set together with ovsgw.control.coordinators; accepted: exactly one source of "
          + "admission: the coordinator's active keys (ovsgw.control.*) or, for a lab relay without a coordinator, "
          + "an allow-list file");
    }
    if (role != null && role.isControlClient() && !labRelay) {
      if (coordinators.isEmpty()) {
        r.problem("ovsgw.control.coordinators", "missing: a " + role.configName()
            + " must know its coordinator; accepted: a list of host:port, e.g. [\"coord.example.net:8443\"]"
            + (role == Role.RELAY ? " (or, for a lab relay without a coordinator, " + ALLOW_LIST_FILE + ")" : ""));
      }
      if (key.isEmpty()) {
        r.problem("ovsgw.control.coordinator-public-key", "missing: a " + role.configName()
            + " pins its coordinator's key; accepted: the 44-character base64 key the coordinator "
            + "printed on its first start");
      }
    }
    return new ControlSettings(coordinators, key, authKey, authKeyFile, r.bool("ovsgw.control.tls"),
        r.path("ovsgw.tls.trusted-certificates-file", false));
  }

  /** Every key the user set must exist in reference.conf (outside the free-form pekko block). */
  static void checkKnownKeys(Config user, Config reference, List<ConfigProblem> problems) {
    for (String top : user.root().keySet()) {
      if (!TOP_LEVEL.contains(top)) {
        problems.add(new ConfigProblem(ConfigReader.describe(user.root().get(top).origin()), top,
            "unknown top-level key; accepted: " + String.join(", ", TOP_LEVEL.stream().sorted().toList())));
      }
    }
    if (!user.hasPath("ovsgw")) {
      return;
    }
    if (user.getValue("ovsgw").valueType() != ConfigValueType.OBJECT) {
      problems.add(new ConfigProblem(ConfigReader.describe(user.getValue("ovsgw").origin()), "ovsgw",
          "expected a section { ... }"));
      return;
    }
    user.getConfig("ovsgw").entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> checkKnownKey("ovsgw." + e.getKey(), e.getValue(), reference, problems));
  }

  private static void checkKnownKey(String path, ConfigValue value, Config reference, List<ConfigProblem> problems) {
    if (reference.hasPathOrNull(path)) {
      return;
    }
    List<String> parts = ConfigUtil.splitPath(path);
    // Find the deepest known parent: it says where the unknown name is and what its siblings are.
    String parent = "ovsgw";
    for (int i = 1; i < parts.size(); i++) {
      String candidate = ConfigUtil.joinPath(parts.subList(0, i + 1));
      if (!reference.hasPathOrNull(candidate)) {
        break;
      }
      if (reference.getValue(candidate).valueType() != ConfigValueType.OBJECT) {
        problems.add(new ConfigProblem(ConfigReader.describe(value.origin()), candidate,
            "is a single value, not a section; remove '" + path.substring(candidate.length() + 1) + "'"));
        return;
      }
      parent = candidate;
    }
    String unknown = ConfigUtil.joinPath(parts.subList(0, ConfigUtil.splitPath(parent).size() + 1));
    List<String> siblings = reference.getConfig(parent).root().keySet().stream().sorted().toList();
    String name = parts.get(ConfigUtil.splitPath(parent).size());
    String hint = closest(name, siblings).map(s -> " (did you mean '" + s + "'?)").orElse("");
    problems.add(new ConfigProblem(ConfigReader.describe(value.origin()), unknown,
        "unknown key" + hint + "; accepted in " + parent + ": " + String.join(", ", siblings)));
  }

  /** The sibling within edit distance 2 of {@code name}, for "did you mean". */
  static Optional<String> closest(String name, List<String> candidates) {
    return candidates.stream()
        .filter(c -> editDistance(name, c) <= 2)
        .min(Comparator.comparingInt((String c) -> editDistance(name, c)).thenComparing(c -> c));
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ');
  }
}
