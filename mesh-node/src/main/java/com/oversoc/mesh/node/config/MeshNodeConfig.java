package com.oversoc.mesh.node.config;

import com.oversoc.mesh.actors.edge.AllowedTargets;
import com.oversoc.mesh.node.config.NodeConfig.GatewaySettings;
import com.oversoc.mesh.node.config.NodeConfig.PlatformSettings;
import com.oversoc.mesh.node.config.NodeConfig.PortForwardSpec;
import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads and checks the gateway's and platform's sections (documented in reference.conf). */
final class MeshNodeConfig {
  private static final String FORWARD_ACCEPTED =
      "{ listen = \"127.0.0.1:18443\", gateway = \"<gateway name or node key>\", target = \"10.0.1.50:8443\" }";

  private MeshNodeConfig() {}

  static GatewaySettings readGateway(ConfigReader r) {
    List<AllowedTargets.Rule> rules = r.list("ovsgw.gateway.allowed-targets", AllowedTargets.Rule::parse,
        AllowedTargets.Rule.ACCEPTED_TEXT);
    Duration connect = r.duration("ovsgw.gateway.connect-timeout", Duration.ofMillis(100), Duration.ofMinutes(5));
    return new GatewaySettings(rules, connect);
  }

  static PlatformSettings readPlatform(ConfigReader r) {
    String path = "ovsgw.platform.forwards";
    List<PortForwardSpec> forwards = new ArrayList<>();
    List<Config> sections = r.sections(path, FORWARD_ACCEPTED);
    for (int i = 0; i < sections.size(); i++) {
      Config c = sections.get(i);
      String where = path + "[" + i + "]";
      try {
        InetSocketAddress listen = ipAndPort(c.getString("listen"), where + ".listen");
        String gateway = c.getString("gateway").strip();
        if (gateway.isEmpty()) {
          r.problem(where + ".gateway", "empty; accepted: the gateway's node name or node key");
          continue;
        }
        InetSocketAddress target = ipAndPort(c.getString("target"), where + ".target");
        for (String key : c.root().keySet()) {
          if (!List.of("listen", "gateway", "target").contains(key)) {
            r.problem(where + "." + key, "unknown key; accepted: listen, gateway, target");
          }
        }
        forwards.add(new PortForwardSpec(listen, gateway, IpLiteral.of(target.getAddress()), target.getPort()));
      } catch (ConfigException.Missing e) {
        r.problem(where, "missing " + e.getMessage().replaceAll(".*No configuration setting found for key '([^']+)'.*",
            "'$1'") + "; accepted: " + FORWARD_ACCEPTED);
      } catch (ConfigException e) {
        r.problem(where, e.getMessage() + "; accepted: " + FORWARD_ACCEPTED);
      } catch (IllegalArgumentException e) {
        r.problem(where, e.getMessage());
      }
    }
    return new PlatformSettings(forwards);
  }

  /** "IP:port" or "[v6]:port"; a host name is refused, never resolved. */
  private static InetSocketAddress ipAndPort(String text, String where) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(where + ": '" + text + "' is not IP:port; accepted: e.g. 127.0.0.1:18443 or [::1]:18443");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    IpLiteral ip;
    try {
      ip = IpLiteral.parse(host);
    } catch (AddressFormatException e) {
      throw new IllegalArgumentException(where + ": '" + host + "' is not an IP literal (names are never resolved here)");
    }
    String port = t.substring(colon + 1);
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
        || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException(where + ": port '" + port + "' is out of range; accepted: 1..65535");
    }
    return new InetSocketAddress(ip.toInetAddress(), Integer.parseInt(port));
  }
}
