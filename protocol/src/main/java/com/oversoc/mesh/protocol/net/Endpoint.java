package com.oversoc.mesh.protocol.net;

/**
 * A host and port, where the host is a DNS name or an IP literal. Used for addresses an
 * operator configures (coordinators, relays); data-plane targets use {@link IpLiteral} only.
 *
 * @param host a DNS name or an IP literal (IPv6 without brackets)
 * @param port 1..65535
 */
public record Endpoint(String host, int port) {
  private static final String ACCEPTED =
      "accepted: host:port, e.g. coord.example.net:8443, 192.0.2.1:8443 or [2001:db8::1]:8443";

  public Endpoint {
    if (port < 1 || port > 65535) {
      throw new AddressFormatException("port " + port + " is out of range; accepted: 1..65535");
    }
    if (!isHostName(host) && !IpLiteral.isLiteral(host)) {
      throw new AddressFormatException("'" + host + "' is neither a host name nor an IP literal; " + ACCEPTED);
    }
  }

  /**
   * Parses {@code host:port} or {@code [v6]:port}.
   *
   * @throws AddressFormatException naming what is accepted
   */
  public static Endpoint parse(String text) {
    if (text == null || text.isBlank()) {
      throw new AddressFormatException("empty endpoint; " + ACCEPTED);
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new AddressFormatException("'" + text + "' is not host:port; " + ACCEPTED);
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        throw new AddressFormatException("'" + text + "' is not host:port; " + ACCEPTED);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    return new Endpoint(host, parsePort(port, text));
  }

  private static int parsePort(String port, String whole) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new AddressFormatException("'" + whole + "' has no valid port; " + ACCEPTED);
    }
    return Integer.parseInt(port);
  }

  /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
  static boolean isHostName(String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      return false;
    }
    String[] labels = host.split("\\.", -1);
    boolean allNumeric = true;
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-') {
          return false;
        }
        if (!(c >= '0' && c <= '9')) {
          allNumeric = false;
        }
      }
    }
    // "300.1.1.1" is neither a valid IPv4 literal nor a host name.
    return !allNumeric;
  }

  /** The IP literal if the host is one. */
  public java.util.Optional<IpLiteral> ipLiteral() {
    return IpLiteral.isLiteral(host) ? java.util.Optional.of(IpLiteral.parse(host)) : java.util.Optional.empty();
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
