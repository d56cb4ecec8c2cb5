/**
 * End-to-end tests of separate {@code ovsgw} processes in network namespaces: a coordinator,
 * relays, a platform on the internet and a gateway behind a NAT router with an outbound-only
 * firewall, built with NetLab by {@link com.oversoc.mesh.node.e2e.MeshLab}. Needs root,
 * iproute2 and iptables, as NetLab does; none of these tests skips.
 */
package com.oversoc.mesh.node.e2e;
