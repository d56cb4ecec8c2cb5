package com.oversoc.mesh.protocol.netcheck;

import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.util.List;
import java.util.Objects;

/**
 * A relay region as a round probes it. Host names are the caller's to resolve (protocol code
 * resolves nothing), so a server whose name did not resolve, or that runs no STUN, is counted in
 * {@code relayServers} but has no address in {@code stunServers}.
 *
 * @param id the region id of the relay map, at least 1
 * @param code the region's short name, for logs
 * @param relayServers how many relay servers the map lists: a region with none cannot be home
 * @param stunServers the STUN addresses to probe, at most one per relay server
 */
public record Region(int id, String code, int relayServers, List<TransportAddress> stunServers) {
  public Region {
    Objects.requireNonNull(code, "code");
    stunServers = List.copyOf(stunServers);
    if (id < 1) {
      throw new IllegalArgumentException("a relay region id is at least 1, got " + id);
    }
    if (stunServers.size() > relayServers) {
      throw new IllegalArgumentException("region " + id + " has " + stunServers.size() + " STUN servers for "
          + relayServers + " relay servers; each STUN server is a relay server's");
    }
  }
}
