package com.oversoc.mesh.protocol.path;

import com.oversoc.mesh.protocol.net.IpLiteral;
import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP source address as a peer saw it: raw IP bytes (network order) and a port. What a pong
 * reports back, so that a node behind a NAT learns its mapping; kept as bytes rather than
 * {@code java.net} types so that the codec stays pure.
 *
 * @param ip 4 (IPv4) or 16 (IPv6) bytes; copied in and out
 * @param port 0..65535
 */
public record ObservedAddress(byte[] ip, int port) {
  public ObservedAddress {
    Objects.requireNonNull(ip, "ip");
    if (ip.length != 4 && ip.length != 16) {
      throw new IllegalArgumentException("an IP address is 4 or 16 bytes, got " + ip.length);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
    }
    ip = ip.clone();
  }

  /** The address of {@code ip} and {@code port}. */
  public static ObservedAddress of(IpLiteral ip, int port) {
    return new ObservedAddress(ip.bytes(), port);
  }

  @Override
  public byte[] ip() {
    return ip.clone();
  }

  /** 4 for IPv4, 6 for IPv6: the family byte of a pong. */
  public int family() {
    return ip.length == 4 ? PathProbe.FAMILY_IPV4 : PathProbe.FAMILY_IPV6;
  }

  public IpLiteral ipLiteral() {
    return IpLiteral.ofBytes(ip);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservedAddress a && port == a.port && Arrays.equals(ip, a.ip);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ip) + port;
  }

  @Override
  public String toString() {
    return ip.length == 4 ? ipLiteral() + ":" + port : "[" + ipLiteral() + "]:" + port;
  }
}
