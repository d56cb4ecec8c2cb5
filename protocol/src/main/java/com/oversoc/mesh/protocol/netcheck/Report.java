package com.oversoc.mesh.protocol.netcheck;

import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one netcheck round found.
 *
 * @param udp whether any STUN server answered
 * @param mapped every public endpoint a server saw this node's socket as, in the order first seen;
 *     empty when none answered. Only this round's: a mapping seen in an earlier round is not kept.
 * @param mapping whether the servers agree on the mapping
 * @param regions one entry per region of the relay map, in map order
 * @param home the home region chosen, empty when the map has no region with a relay server
 */
public record Report(UdpStatus udp, List<MappedEndpoint> mapped, Mapping mapping, List<RegionResult> regions,
    Optional<Home> home) {

  public Report {
    Objects.requireNonNull(udp, "udp");
    mapped = List.copyOf(mapped);
    Objects.requireNonNull(mapping, "mapping");
    regions = List.copyOf(regions);
    Objects.requireNonNull(home, "home");
  }

  /** Whether UDP reaches the relays. */
  public enum UdpStatus {
    /** At least one STUN server answered: UDP goes out and comes back. */
    WORKS,
    /**
     * Requests went out and no server answered within the round: UDP is blocked on the way (or
     * every relay's STUN server is down; from here the two look the same).
     */
    BLOCKED,
    /** There was nothing to probe: no region lists a STUN server this node could address. */
    NOT_PROBED
  }

  /** How the NAT (if any) maps this node's socket, as far as one round can tell (RFC 4787 terms). */
  public enum Mapping {
    /** At least two servers answered and all saw the same endpoint: peers can use it. */
    ENDPOINT_INDEPENDENT,
    /**
     * Servers saw different endpoints: a NAT that maps per destination (hard to traverse), or a
     * mapping that changed during the round.
     */
    ENDPOINT_DEPENDENT,
    /** Fewer than two servers answered: nothing to compare. */
    UNKNOWN
  }

  /**
   * A public endpoint of this node's socket.
   *
   * @param seenBy the STUN servers that reported it, in the order they did
   */
  public record MappedEndpoint(TransportAddress endpoint, List<TransportAddress> seenBy) {
    public MappedEndpoint {
      Objects.requireNonNull(endpoint, "endpoint");
      seenBy = List.copyOf(seenBy);
    }
  }

  /**
   * One region's result.
   *
   * @param probesSent probes started towards the region's STUN servers
   * @param answered probes that got a success response
   * @param latency the lowest time from a probe's first request to its answer: the RTT when the
   *     request was not retransmitted, an upper bound of it otherwise; empty when none answered
   * @param error the last error a server of the region answered with, if any
   */
  public record RegionResult(int id, String code, int probesSent, int answered, Optional<Duration> latency,
      Optional<String> error) {
    public RegionResult {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(error, "error");
    }
  }

  /** The home region and why it was chosen. */
  public record Home(int region, Reason reason) {
    public Home {
      Objects.requireNonNull(reason, "reason");
    }

    /** Why this region is home. */
    public enum Reason {
      /** There was no home (or it left the map): the region with the lowest latency. */
      LOWEST_LATENCY,
      /** Another region beat the current home by the hysteresis margin. */
      FASTER,
      /** The current home did not answer this round while others did: the fastest of them. */
      CURRENT_SILENT,
      /** The current home answered and no other region beat it by the margin. */
      KEPT,
      /** No region answered: the current home is kept, since a round without answers says nothing about relays. */
      KEPT_UNMEASURED,
      /** No region answered and there was no home: the first region of the map with a relay server. */
      FIRST_REGION
    }
  }

  /** The region result of {@code id}, if the map has that region. */
  public Optional<RegionResult> region(int id) {
    return regions.stream().filter(r -> r.id() == id).findFirst();
  }

  /** The public endpoints, without who saw them. */
  public List<TransportAddress> mappedEndpoints() {
    return mapped.stream().map(MappedEndpoint::endpoint).toList();
  }

  /**
   * The report in one line for the log, e.g. {@code UDP works, mapped 203.0.113.7:41641 (mapping
   * endpoint-independent), latency eu-par(1)=12.3ms us-nyc(2)=none, home 1 eu-par (kept)}.
   */
  public String summary() {
    String endpoints = mapped.isEmpty() ? "none"
        : mapped.stream().map(m -> m.endpoint().toString()).collect(Collectors.joining(" "))
            + " (mapping " + mapping.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
    String latencies = regions.isEmpty() ? "no regions" : regions.stream()
        .map(r -> r.code() + "(" + r.id() + ")=" + r.latency().map(Report::millis).orElse("none")
            + r.error().map(e -> " [" + e + "]").orElse(""))
        .collect(Collectors.joining(" "));
    String homeText = home.map(h -> h.region() + region(h.region()).map(r -> " " + r.code()).orElse("") + " ("
        + h.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")").orElse("none");
    return "UDP " + udp.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", mapped " + endpoints + ", latency "
        + latencies + ", home " + homeText;
  }

  private static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.1fms", d.toNanos() / 1e6);
  }
}
