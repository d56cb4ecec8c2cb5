package com.oversoc.mesh.coordinator.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy document (HOCON, so plain JSON works too) and reports every mistake at once,
 * each as one line naming the path, what is wrong and what is accepted.
 *
 * <pre>
 * # Platform nodes reach the gateways of their own tenant.
 * same-tenant = true
 * # Platform nodes of one tenant see each other.
 * platform-to-platform = false
 * # Extra reach: the vendor's SOC collectors tagged soc-eu may reach acme's gateways.
 * grants = [
 *   { platforms { tenant = oversoc, tags = [soc-eu] }, gateways { tenant = acme } }
 * ]
 * </pre>
 */
public final class PolicyParser {
  /** The document in force before an administrator sets one; it parses to {@link Policy#DEFAULT}. */
  public static final String DEFAULT_DOCUMENT = """
      # Platform nodes reach the gateways of their own tenant; nothing crosses tenants.
      same-tenant = true
      # Platform nodes do not see each other.
      platform-to-platform = false
      # Extra platform-to-gateway reach, e.g.
      # { platforms { tenant = oversoc, tags = [soc-eu] }, gateways { tenant = acme } }
      grants = []
      """;

  /** Tenant names: what pre-auth keys accept, so a grant can name any tenant a node can be in. */
  public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  public static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,62}");

  private static final Set<String> TOP = Set.of("same-tenant", "platform-to-platform", "grants");
  private static final Set<String> GRANT = Set.of("platforms", "gateways");
  private static final Set<String> SELECTOR = Set.of("tenant", "tags");

  private PolicyParser() {}

  /**
   * @param version the version the store gives the document
   * @throws PolicyException listing every problem
   */
  public static Policy parse(String document, long version) throws PolicyException {
    Config c;
    try {
      c = ConfigFactory.parseString(document, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException e) {
      throw new PolicyException(List.of("document: " + e.getMessage().replace('\n', ' ')));
    }
    List<String> problems = new ArrayList<>();
    unknownKeys(c.root(), TOP, "", problems);
    boolean sameTenant = bool(c, "same-tenant", true, problems);
    boolean p2p = bool(c, "platform-to-platform", false, problems);
    List<Policy.Grant> grants = new ArrayList<>();
    if (c.hasPath("grants")) {
      ConfigValue v = c.getValue("grants");
      if (v.valueType() != ConfigValueType.LIST) {
        problems.add("grants: expected a list of { platforms { ... }, gateways { ... } }");
      } else {
        ConfigList list = (ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
          String where = "grants[" + i + "]";
          if (list.get(i).valueType() != ConfigValueType.OBJECT) {
            problems.add(where + ": expected { platforms { ... }, gateways { ... } }");
            continue;
          }
          ConfigObject g = (ConfigObject) list.get(i);
          unknownKeys(g, GRANT, where + ".", problems);
          Policy.Selector platforms = selector(g, "platforms", where, problems);
          Policy.Selector gateways = selector(g, "gateways", where, problems);
          if (platforms != null && gateways != null) {
            grants.add(new Policy.Grant(platforms, gateways));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new Policy(version, sameTenant, p2p, grants);
  }

  private static Policy.Selector selector(ConfigObject grant, String key, String where, List<String> problems) {
    String path = where + "." + key;
    ConfigValue v = grant.get(key);
    if (v == null || v.valueType() != ConfigValueType.OBJECT) {
      problems.add(path + ": " + (v == null ? "missing" : "expected a section") + "; accepted: { tenant = NAME, tags = [TAG, ...] }");
      return null;
    }
    ConfigObject s = (ConfigObject) v;
    int before = problems.size();
    unknownKeys(s, SELECTOR, path + ".", problems);
    ConfigValue tenant = s.get("tenant");
    String t = tenant != null && tenant.valueType() == ConfigValueType.STRING ? (String) tenant.unwrapped() : null;
    if (t == null || !TENANT.matcher(t).matches()) {
      problems.add(path + ".tenant: " + (t == null ? "missing" : "'" + t + "' is not a tenant name")
          + "; accepted: 1 to 63 lower-case letters, digits or '-', starting with a letter or digit");
    }
    Set<String> tags = new LinkedHashSet<>();
    ConfigValue tv = s.get("tags");
    if (tv != null) {
      if (tv.valueType() != ConfigValueType.LIST) {
        problems.add(path + ".tags: expected a list of tags, e.g. [soc-eu]");
      } else {
        for (ConfigValue tag : (ConfigList) tv) {
          String text = String.valueOf(tag.unwrapped());
          if (tag.valueType() != ConfigValueType.STRING || !TAG.matcher(text).matches()) {
            problems.add(path + ".tags: '" + text + "' is not a tag; accepted: 1 to 63 lower-case letters, digits, "
                + "'.', '_', ':' or '-'");
          } else {
            tags.add(text);
          }
        }
      }
    }
    return problems.size() == before ? new Policy.Selector(t, Set.copyOf(tags)) : null;
  }

  private static boolean bool(Config c, String key, boolean dflt, List<String> problems) {
    if (!c.hasPath(key)) {
      return dflt;
    }
    try {
      return c.getBoolean(key);
    } catch (ConfigException e) {
      problems.add(key + ": expected true or false");
      return dflt;
    }
  }

  private static void unknownKeys(ConfigObject o, Set<String> accepted, String prefix, List<String> problems) {
    for (String k : o.keySet()) {
      if (!accepted.contains(k)) {
        problems.add(prefix + k + ": unknown key; accepted: " + String.join(", ", accepted.stream().sorted().toList()));
      }
    }
  }
}
