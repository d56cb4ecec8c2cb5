package com.oversoc.mesh.coordinator.policy;

import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may talk to whom, evaluated for every pair of nodes that could appear in each other's
 * maps. Visibility is symmetric (a gateway must know the platform key it accepts handshakes
 * from); the direction is in the {@link PeerAccess} each side gets. Fixed rules, not
 * configurable: gateways never see gateways, relays are in no map, and nothing crosses tenants
 * unless a grant names both.
 *
 * @param version the stored version (0 for the built-in default)
 * @param sameTenant platform nodes reach the gateways of their own tenant
 * @param platformToPlatform platform nodes of one tenant see each other (off by default)
 * @param grants extra platform-to-gateway reach, across tenants or narrowed by tags
 * @param grantsByGatewayTenant the grants indexed by the tenant of the gateways they name
 *     (derived from {@code grants}), so that deciding one pair looks at a handful of grants,
 *     not at every tenant's
 */
public record Policy(long version, boolean sameTenant, boolean platformToPlatform, List<Grant> grants,
    Map<String, List<Grant>> grantsByGatewayTenant) {

  /** The policy in force before an administrator sets one. */
  public static final Policy DEFAULT = new Policy(0, true, false, List.of());

  public Policy(long version, boolean sameTenant, boolean platformToPlatform, List<Grant> grants) {
    this(version, sameTenant, platformToPlatform, grants, grants.stream()
        .collect(Collectors.groupingBy(g -> g.gateways().tenant(), Collectors.toUnmodifiableList())));
  }

  /** The attributes the policy looks at: role, tenant and tags, all from the node's pre-auth key. */
  public record Member(NodeRole role, String tenant, List<String> tags) {}

  /**
   * Nodes of {@code tenant} carrying at least one of {@code tags} (any node of the tenant if
   * {@code tags} is empty).
   */
  public record Selector(String tenant, Set<String> tags) {
    public boolean matches(Member m) {
      if (!m.tenant().equals(tenant)) {
        return false;
      }
      if (tags.isEmpty()) {
        return true;
      }
      for (String t : m.tags()) {
        if (tags.contains(t)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Platform nodes matching {@code platforms} may open streams to gateways matching {@code gateways}. */
  public record Grant(Selector platforms, Selector gateways) {}

  public Policy {
    grants = List.copyOf(grants);
    grantsByGatewayTenant = Map.copyOf(grantsByGatewayTenant);
  }

  /** What {@code viewer} may do with {@code peer}, or empty if the peer must not be in its map. */
  public Optional<PeerAccess> access(Member viewer, Member peer) {
    NodeRole v = viewer.role();
    NodeRole p = peer.role();
    if (v == NodeRole.NODE_ROLE_PLATFORM && p == NodeRole.NODE_ROLE_GATEWAY) {
      return reaches(viewer, peer) ? Optional.of(PeerAccess.OUTBOUND) : Optional.empty();
    }
    if (v == NodeRole.NODE_ROLE_GATEWAY && p == NodeRole.NODE_ROLE_PLATFORM) {
      return reaches(peer, viewer) ? Optional.of(PeerAccess.INBOUND) : Optional.empty();
    }
    if (v == NodeRole.NODE_ROLE_PLATFORM && p == NodeRole.NODE_ROLE_PLATFORM) {
      return platformToPlatform && viewer.tenant().equals(peer.tenant())
          ? Optional.of(PeerAccess.BOTH)
          : Optional.empty();
    }
    return Optional.empty(); // gateway-gateway, and relays, never
  }

  /** True if platform node {@code platform} may open streams to gateway {@code gateway}. */
  public boolean reaches(Member platform, Member gateway) {
    if (sameTenant && platform.tenant().equals(gateway.tenant())) {
      return true;
    }
    for (Grant g : grantsByGatewayTenant.getOrDefault(gateway.tenant(), List.of())) {
      if (g.platforms().matches(platform) && g.gateways().matches(gateway)) {
        return true;
      }
    }
    return false;
  }

  /** The tenants whose gateways {@code platform} may reach, or whose platforms may reach {@code gateway}. */
  public Set<String> tenantsRelevantTo(Member m) {
    Set<String> out = new HashSet<>();
    out.add(m.tenant());
    for (Grant g : grants) {
      if (m.role() == NodeRole.NODE_ROLE_PLATFORM && g.platforms().matches(m)) {
        out.add(g.gateways().tenant());
      }
      if (m.role() == NodeRole.NODE_ROLE_GATEWAY && g.gateways().matches(m)) {
        out.add(g.platforms().tenant());
      }
    }
    return out;
  }
}
