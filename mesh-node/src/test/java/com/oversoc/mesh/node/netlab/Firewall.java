package com.oversoc.mesh.node.netlab;

/** What a {@link NatRouter} lets in from the internet besides what its NAT maps back. */
public enum Firewall {
  /**
   * No filter: MASQUERADE alone. Linux conntrack still only maps back replies to a flow the inside
   * started (from the same remote address and port); anything else is for the router itself,
   * which answers as any host does (an ICMP port unreachable for a closed UDP port).
   */
  NONE,
  /**
   * A customer DMZ's strict firewall: from the internet only ESTABLISHED and RELATED packets
   * pass, to the router or through it; everything NEW is dropped silently and counted
   * ({@link NatRouter#firewallDrops()}).
   */
  OUTBOUND_ONLY
}
