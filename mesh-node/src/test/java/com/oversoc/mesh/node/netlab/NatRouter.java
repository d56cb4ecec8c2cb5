package com.oversoc.mesh.node.netlab;

import java.net.Inet4Address;

/**
 * A router on the internet with a private LAN behind it: MASQUERADE on its public interface
 * (endpoint-independent mapping as Linux gives it: a flow keeps its source port when that port
 * is free on the public address), and optionally a strict {@link Firewall#OUTBOUND_ONLY}
 * firewall. Hosts made with {@link #host} sit on its LAN; as a {@link Host} it is the router's
 * own namespace, whose {@link #address()} is the public one and whose {@link #faults()} act on
 * its link to the internet.
 */
public final class NatRouter extends Host {
  /** The filter chain the outbound-only firewall lives in, jumped to from INPUT and FORWARD. */
  static final String FIREWALL_CHAIN = "netlab-firewall";

  private final Firewall firewall;
  private final int lanNumber;
  private int lanHosts;

  NatRouter(NetLab lab, String name, Namespace namespace, Inet4Address publicAddress, Faults faults, Firewall firewall,
      int lanNumber) {
    super(lab, name, namespace, publicAddress, faults);
    this.firewall = firewall;
    this.lanNumber = lanNumber;
  }

  /** A new host on this router's LAN, reaching the internet only through this router. */
  public Host host(String name) {
    return lab().lanHost(this, name);
  }

  public Firewall firewall() {
    return firewall;
  }

  /** How many packets from the internet the outbound-only firewall has dropped so far. */
  public long firewallDrops() {
    if (firewall != Firewall.OUTBOUND_ONLY) {
      throw new IllegalStateException("router " + name() + " has no firewall to count drops of");
    }
    // pkts bytes target prot opt in out source destination
    for (String line : ns().iptablesOutput("-L", FIREWALL_CHAIN, "-v", "-x", "-n").lines().toList()) {
      String[] columns = line.strip().split("\\s+");
      if (columns.length > 2 && columns[2].equals("DROP")) {
        return Long.parseLong(columns[0]);
      }
    }
    throw new NetLabException("no DROP rule in " + FIREWALL_CHAIN + " of " + namespace());
  }

  /** The rules that make this router a NAT, and a firewall if it has one. */
  static String rules(Firewall firewall) {
    StringBuilder rules = new StringBuilder("*nat\n-A POSTROUTING -o " + UPLINK + " -j MASQUERADE\nCOMMIT\n");
    if (firewall == Firewall.OUTBOUND_ONLY) {
      rules.append("*filter\n:").append(FIREWALL_CHAIN).append(" - [0:0]\n")
          .append("-A ").append(FIREWALL_CHAIN).append(" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n")
          .append("-A ").append(FIREWALL_CHAIN).append(" -j DROP\n")
          .append("-A INPUT -i ").append(UPLINK).append(" -j ").append(FIREWALL_CHAIN).append('\n')
          .append("-A FORWARD -i ").append(UPLINK).append(" -j ").append(FIREWALL_CHAIN).append('\n')
          .append("COMMIT\n");
    }
    return rules.toString();
  }

  int lanNumber() {
    return lanNumber;
  }

  /** The host number the next LAN host gets (the router is 1). */
  int nextLanHostNumber() {
    return 2 + lanHosts;
  }

  void lanHostAdded() {
    lanHosts++;
  }
}
