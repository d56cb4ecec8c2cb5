package com.oversoc.mesh.protocol.wireguard;

/**
 * How the denial-of-service protection sees the address a datagram came from, for whatever type
 * the paths use ({@code InetSocketAddress} for UDP, a relay route, a simulated host).
 *
 * @param <A> the path's address type
 */
public interface SourceAddress<A> {
  /** The bytes a cookie is bound to: the whole source address (IP and port for UDP). */
  byte[] cookieBytes(A address);

  /** The key of the per-source rate limit: the source host (the IP for UDP, not the port). */
  Object rateLimitKey(A address);
}
