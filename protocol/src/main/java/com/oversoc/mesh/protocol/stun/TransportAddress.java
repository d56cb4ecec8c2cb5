package com.oversoc.mesh.protocol.stun;

import com.oversoc.mesh.protocol.net.IpLiteral;

/**
 * An IP address and a UDP port, as STUN reports them (the address a server saw a request come
 * from, or its own).
 *
 * @param port 0..65535
 */
public record TransportAddress(IpLiteral address, int port) {
  public TransportAddress {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
    }
  }

  @Override
  public String toString() {
    return address.isIpv4() ? address + ":" + port : "[" + address + "]:" + port;
  }
}
