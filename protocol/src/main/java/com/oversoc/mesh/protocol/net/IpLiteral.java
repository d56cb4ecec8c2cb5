package com.oversoc.mesh.protocol.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address parsed from its literal text form, never by name resolution.
 *
 * <p>Accepted: dotted-quad IPv4 with decimal octets 0..255 and no leading zeros (so that
 * {@code 010.0.0.1} cannot mean octal 8 to one reader and decimal 10 to another); IPv6 in RFC 4291
 * text form with at most one {@code ::}, optionally ending in a dotted quad, optionally in
 * brackets. Refused: host names, zone ids ({@code %eth0}), and anything else, each with an
 * {@link AddressFormatException} that says what is accepted.
 */
public final class IpLiteral {
  private static final String ACCEPTED =
      "accepted: an IPv4 literal like 10.0.1.50 or an IPv6 literal like fd7a::1";

  private final byte[] octets;

  private IpLiteral(byte[] octets) {
    this.octets = octets;
  }

  /** An address from its 4 or 16 raw bytes (network order). */
  public static IpLiteral ofBytes(byte[] raw) {
    if (raw == null || (raw.length != 4 && raw.length != 16)) {
      throw new AddressFormatException(
          "an IP address is 4 or 16 bytes, got " + (raw == null ? "none" : raw.length));
    }
    return new IpLiteral(raw.clone());
  }

  /**
   * Parses {@code text} as an IP literal.
   *
   * @throws AddressFormatException if it is not one (host names included)
   */
  public static IpLiteral parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new AddressFormatException("empty address; " + ACCEPTED);
    }
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    byte[] parsed = s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
    if (parsed == null) {
      throw new AddressFormatException(
          "'" + printable(text) + "' is not an IP literal (host names are not resolved); " + ACCEPTED);
    }
    return new IpLiteral(parsed);
  }

  /** True if {@code text} is an IP literal. */
  public static boolean isLiteral(String text) {
    try {
      parse(text);
      return true;
    } catch (AddressFormatException e) {
      return false;
    }
  }

  private static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    return parseV4Into(s, out, 0) ? out : null;
  }

  private static boolean parseV4Into(String s, byte[] out, int offset) {
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || part > 3) {
          return false;
        }
        out[offset + part++] = (byte) value;
        value = -1;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return false; // leading zero
        }
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (value > 255) {
          return false;
        }
        digits++;
      } else {
        return false;
      }
    }
    return part == 4;
  }

  private static byte[] parseV6(String s) {
    if (s.length() > 45 || s.indexOf('%') >= 0) {
      return null;
    }
    byte[] out = new byte[16];
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String head = gap >= 0 ? s.substring(0, gap) : s;
    String tail = gap >= 0 ? s.substring(gap + 2) : "";
    byte[] headBytes = new byte[16];
    int headLen = parseGroups(head, headBytes, gap < 0);
    if (headLen < 0) {
      return null;
    }
    byte[] tailBytes = new byte[16];
    int tailLen = gap >= 0 ? parseGroups(tail, tailBytes, true) : 0;
    if (tailLen < 0) {
      return null;
    }
    if (gap < 0) {
      if (headLen != 16) {
        return null;
      }
      return headBytes;
    }
    if (headLen + tailLen > 14) {
      return null; // "::" stands for at least one group of zeros
    }
    System.arraycopy(headBytes, 0, out, 0, headLen);
    System.arraycopy(tailBytes, 0, out, 16 - tailLen, tailLen);
    return out;
  }

  /**
   * Parses colon-separated hex groups into {@code out}; the last group may be a dotted quad if
   * {@code allowV4Tail}. Returns the byte count, or -1 if malformed. An empty string is zero groups.
   */
  private static int parseGroups(String s, byte[] out, boolean allowV4Tail) {
    if (s.isEmpty()) {
      return 0;
    }
    String[] groups = s.split(":", -1);
    int n = 0;
    for (int g = 0; g < groups.length; g++) {
      String group = groups[g];
      boolean last = g == groups.length - 1;
      if (last && allowV4Tail && group.indexOf('.') >= 0) {
        if (n + 4 > 16 || !parseV4Into(group, out, n)) {
          return -1;
        }
        n += 4;
        continue;
      }
      if (group.isEmpty() || group.length() > 4 || n + 2 > 16) {
        return -1;
      }
      int value = 0;
      for (int i = 0; i < group.length(); i++) {
        int d = Character.digit(group.charAt(i), 16);
        if (d < 0) {
          return -1;
        }
        value = value * 16 + d;
      }
      out[n++] = (byte) (value >>> 8);
      out[n++] = (byte) value;
    }
    return n;
  }

  private static String printable(String text) {
    String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    StringBuilder sb = new StringBuilder(cut.length());
    cut.codePoints().forEach(cp -> sb.append(cp >= 0x20 && cp < 0x7f ? (char) cp : '?'));
    return sb.toString();
  }

  public boolean isIpv4() {
    return octets.length == 4;
  }

  /** The 4 or 16 raw bytes, network order. */
  public byte[] bytes() {
    return octets.clone();
  }

  /** The JDK address, built from bytes: never a lookup. */
  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(octets);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always a valid address", e);
    }
  }

  /** Builds from a JDK address (which must already be resolved). */
  public static IpLiteral of(InetAddress address) {
    if (!(address instanceof Inet4Address) && !(address instanceof Inet6Address)) {
      throw new AddressFormatException("unsupported address type " + address);
    }
    return new IpLiteral(address.getAddress());
  }

  /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
  @Override
  public String toString() {
    if (isIpv4()) {
      return (octets[0] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[2] & 0xff) + "." + (octets[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (octets[2 * i] & 0xff) << 8 | (octets[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 4.2.2: a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpLiteral other && Arrays.equals(octets, other.octets);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(octets);
  }
}
