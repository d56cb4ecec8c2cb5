package com.oversoc.mesh.node.netlab;

import java.util.Locale;

/**
 * Faults on one host's (or router's) link to the network above it, switchable while a test runs.
 * They act on the wire, not in the host: packets are dropped in the upstream namespace's FORWARD
 * chain, so the host's sockets see silent loss as on a real network, never an error. Each
 * setting applies to both directions.
 *
 * <pre>
 *   host namespace                     upstream namespace (the internet, or the host's NAT router)
 *   [ eth0 ] ---------- veth ---------- [ vN ] -- FORWARD -i/-o vN -> chain netlab-vN (UDP block, random drop)
 *    tbf on egress (upload)              tbf on egress (download)
 * </pre>
 */
public final class Faults {
  /** tbf queues at most this long before it drops: a shallow buffer, as on a real access link. */
  private static final String TBF_QUEUE_LATENCY = "100ms";
  /** tbf's bucket holds this much of the rate, so that a timer tick never starves it. */
  private static final double TBF_BURST_SECONDS = 0.010;
  /** and never less than this many full-size Ethernet frames, so that one frame always fits. */
  private static final int TBF_MIN_BURST_FRAMES = 10;
  private static final int ETHERNET_FRAME_BYTES = 1514;

  private final Namespace upstream;
  private final String upstreamInterface;
  private final Namespace node;
  private final String nodeInterface;
  private final String chain;
  private boolean chainInstalled;
  private boolean udpBlocked;
  private double dropProbability;
  private boolean rateLimited;

  Faults(Namespace upstream, String upstreamInterface, Namespace node, String nodeInterface) {
    this.upstream = upstream;
    this.upstreamInterface = upstreamInterface;
    this.node = node;
    this.nodeInterface = nodeInterface;
    this.chain = "netlab-" + upstreamInterface;
  }

  /** Drops every UDP packet to or from the host, so that only TCP (and ICMP) gets through. */
  public synchronized void blockUdp() {
    udpBlocked = true;
    applyFilter();
  }

  public synchronized void unblockUdp() {
    udpBlocked = false;
    applyFilter();
  }

  /** Drops each packet to or from the host independently with this probability (0 < p <= 1). */
  public synchronized void dropRandomly(double probability) {
    if (!(probability > 0 && probability <= 1)) {
      throw new IllegalArgumentException("drop probability must be in (0, 1], not " + probability);
    }
    dropProbability = probability;
    applyFilter();
  }

  public synchronized void stopDropping() {
    dropProbability = 0;
    applyFilter();
  }

  /** Caps the host's link at this many bits per second in each direction (tbf at both ends of the veth). */
  public synchronized void limitRate(long bitsPerSecond) {
    if (bitsPerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, not " + bitsPerSecond + " bit/s");
    }
    long burst = Math.max((long) (bitsPerSecond / 8 * TBF_BURST_SECONDS), (long) TBF_MIN_BURST_FRAMES * ETHERNET_FRAME_BYTES);
    String[] tbf = {"root", "tbf", "rate", bitsPerSecond + "bit", "burst", Long.toString(burst), "latency",
        TBF_QUEUE_LATENCY};
    node.tc(qdisc("replace", nodeInterface, tbf));
    upstream.tc(qdisc("replace", upstreamInterface, tbf));
    rateLimited = true;
  }

  public synchronized void unlimitRate() {
    if (rateLimited) {
      node.tc("qdisc", "del", "dev", nodeInterface, "root");
      upstream.tc("qdisc", "del", "dev", upstreamInterface, "root");
      rateLimited = false;
    }
  }

  /** Back to a clean link. */
  public synchronized void clear() {
    unlimitRate();
    udpBlocked = false;
    dropProbability = 0;
    if (chainInstalled) {
      applyFilter();
    }
  }

  /** Rewrites this link's chain from the settings in one iptables-restore, so no packet sees half a change. */
  private void applyFilter() {
    StringBuilder rules = new StringBuilder("*filter\n:").append(chain).append(" - [0:0]\n");
    if (!chainInstalled) {
      rules.append("-I FORWARD 1 -i ").append(upstreamInterface).append(" -j ").append(chain).append('\n');
      rules.append("-I FORWARD 1 -o ").append(upstreamInterface).append(" -j ").append(chain).append('\n');
    }
    if (udpBlocked) {
      rules.append("-A ").append(chain).append(" -p udp -j DROP\n");
    }
    if (dropProbability > 0) {
      rules.append("-A ").append(chain).append(String.format(Locale.ROOT,
          " -m statistic --mode random --probability %.6f -j DROP\n", dropProbability));
    }
    upstream.iptablesRestore(rules.append("COMMIT\n").toString());
    chainInstalled = true;
  }

  private static String[] qdisc(String verb, String device, String... spec) {
    String[] args = new String[4 + spec.length];
    args[0] = "qdisc";
    args[1] = verb;
    args[2] = "dev";
    args[3] = device;
    System.arraycopy(spec, 0, args, 4, spec.length);
    return args;
  }
}
