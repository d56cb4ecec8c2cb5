package com.oversoc.mesh.actors.edge;

import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's list of what it may dial, until the exposure policy replaces it: each rule is an
 * IP address or network and one port. Anything not listed is refused with POLICY_DENIED.
 */
public final class AllowedTargets implements TargetPolicy {
  /**
   * One allowed target: {@code network/prefix} and a port.
   *
   * <p>Text forms: {@code 10.0.1.50:8443}, {@code 10.0.1.0/24:8443}, {@code [2001:db8::1]:443},
   * {@code [2001:db8::]/32:443}. Host names are refused: a gateway dials addresses, never names.
   */
  public record Rule(IpLiteral network, int prefixLength, int port) {
    /** What the text form accepts, for error messages. */
    public static final String ACCEPTED_TEXT = "IP:port or network/prefix:port, e.g. 10.0.1.50:8443, 10.0.1.0/24:8443, "
        + "[2001:db8::1]:443, [2001:db8::]/32:443";

    public Rule {
      int bits = network.bytes().length * 8;
      if (prefixLength < 0 || prefixLength > bits) {
        throw new AddressFormatException("prefix /" + prefixLength + " is out of range for " + network + "; accepted: 0.." + bits);
      }
      if (port < 1 || port > 65535) {
        throw new AddressFormatException("port " + port + " is out of range; accepted: 1..65535");
      }
    }

    /** @throws AddressFormatException naming what is accepted */
    public static Rule parse(String text) {
      String t = text == null ? "" : text.strip();
      int colon = t.lastIndexOf(':');
      if (colon <= 0 || colon == t.length() - 1) {
        throw new AddressFormatException("'" + text + "' has no port; accepted: " + ACCEPTED_TEXT);
      }
      String host = t.substring(0, colon);
      String portText = t.substring(colon + 1);
      int prefix = -1;
      int slash = host.lastIndexOf('/');
      if (slash >= 0 && slash > host.lastIndexOf(']')) {
        prefix = parseNumber(host.substring(slash + 1), text);
        host = host.substring(0, slash);
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        throw new AddressFormatException("'" + text + "': an IPv6 address goes in brackets; accepted: " + ACCEPTED_TEXT);
      }
      IpLiteral ip;
      try {
        ip = IpLiteral.parse(host);
      } catch (AddressFormatException e) {
        throw new AddressFormatException("'" + host + "' is not an IP literal (a gateway never resolves names); accepted: "
            + ACCEPTED_TEXT);
      }
      return new Rule(ip, prefix < 0 ? ip.bytes().length * 8 : prefix, parseNumber(portText, text));
    }

    private static int parseNumber(String s, String whole) {
      if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
        throw new AddressFormatException("'" + whole + "' has no valid number in '" + s + "'; accepted: " + ACCEPTED_TEXT);
      }
      return Integer.parseInt(s);
    }

    public boolean matches(IpLiteral target, int targetPort) {
      if (targetPort != port) {
        return false;
      }
      byte[] a = network.bytes();
      byte[] b = target.bytes();
      if (a.length != b.length) {
        return false;
      }
      int full = prefixLength / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != b[i]) {
          return false;
        }
      }
      int rest = prefixLength % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (b[full] & mask);
    }

    @Override
    public String toString() {
      String ip = network.isIpv4() ? network.toString() : "[" + network + "]";
      return ip + (prefixLength == network.bytes().length * 8 ? "" : "/" + prefixLength) + ":" + port;
    }
  }

  private final List<Rule> rules;

  public AllowedTargets(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  @Override
  public Optional<String> refusal(IpLiteral target, int port) {
    for (Rule r : rules) {
      if (r.matches(target, port)) {
        return Optional.empty();
      }
    }
    return Optional.of((target.isIpv4() ? target.toString() : "[" + target + "]") + ":" + port
        + " is not in this gateway's ovsgw.gateway.allowed-targets");
  }
}
