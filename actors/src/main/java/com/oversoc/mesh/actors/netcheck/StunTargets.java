package com.oversoc.mesh.actors.netcheck;

import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.netcheck.Region;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The relay map as netcheck probes it: each relay server's STUN address. A host that is an IP
 * literal is taken as it is; a DNS name is resolved here, at the start of every round (so a name
 * that did not resolve, or moved, is right again one round later; the JVM's DNS cache keeps this
 * cheap). A server without STUN ({@code stun_port} 0), whose name does not resolve, or whose
 * addresses are all of a family the socket cannot send to, is left out of the probes but still
 * counts as a relay server of its region.
 */
final class StunTargets {
  /** Name resolution, injectable so that tests need no DNS. */
  @FunctionalInterface
  interface Resolver {
    /** The host's addresses (never an empty array). */
    InetAddress[] resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = InetAddress::getAllByName;
  }

  /**
   * @param problems one line per server left out for a reason the operator may want to know
   *     (its name does not resolve, or to no address the socket can reach)
   */
  record Result(List<Region> regions, List<String> problems) {
    Result {
      regions = List.copyOf(regions);
      problems = List.copyOf(problems);
    }
  }

  private StunTargets() {}

  /**
   * @param ipv6Socket whether the node's socket is IPv6 (it can send to both families); an IPv4
   *     socket reaches IPv4 addresses only
   */
  static Result of(RelayMap map, boolean ipv6Socket, Resolver resolver) {
    List<Region> regions = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (RelayRegion r : map.getRegionsList()) {
      if (r.getRegionId() < 1 || !seen.add(r.getRegionId())) {
        problems.add("region " + r.getRegionId() + " (" + r.getCode()
            + ") has an invalid or repeated id and is not probed");
        continue;
      }
      List<TransportAddress> stun = new ArrayList<>();
      for (RelayServer s : r.getServersList()) {
        if (s.getStunPort() <= 0 || s.getStunPort() > 65535) {
          continue; // no STUN on this server (0), or a port no coordinator hands out (uint32 above 65535)
        }
        address(s.getHost(), ipv6Socket, resolver, problems)
            .ifPresent(ip -> stun.add(new TransportAddress(ip, s.getStunPort())));
      }
      regions.add(new Region(r.getRegionId(), r.getCode(), r.getServersCount(), stun));
    }
    return new Result(regions, problems);
  }

  private static Optional<IpLiteral> address(String host, boolean ipv6Socket, Resolver resolver,
      List<String> problems) {
    if (IpLiteral.isLiteral(host)) {
      IpLiteral ip = IpLiteral.parse(host);
      if (!ipv6Socket && !ip.isIpv4()) {
        problems.add("relay " + host + " is IPv6 and the UDP socket IPv4: not probed");
        return Optional.empty();
      }
      return Optional.of(ip);
    }
    InetAddress[] all;
    try {
      all = resolver.resolve(host);
    } catch (UnknownHostException e) {
      problems.add("relay " + host + " does not resolve: " + e.getMessage());
      return Optional.empty();
    }
    for (InetAddress a : all) {
      if (ipv6Socket || a instanceof Inet4Address) {
        return Optional.of(IpLiteral.of(a));
      }
    }
    problems.add("relay " + host + " resolves to no IPv4 address for the IPv4 UDP socket");
    return Optional.empty();
  }
}
