package com.oversoc.mesh.coordinator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.coordinator.policy.Policy.Member;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyTest {
  static final Member ACME_GW = new Member(NodeRole.NODE_ROLE_GATEWAY, "acme", List.of());
  static final Member ACME_GW2 = new Member(NodeRole.NODE_ROLE_GATEWAY, "acme", List.of("prod"));
  static final Member ACME_PF = new Member(NodeRole.NODE_ROLE_PLATFORM, "acme", List.of());
  static final Member ACME_PF2 = new Member(NodeRole.NODE_ROLE_PLATFORM, "acme", List.of());
  static final Member GLOBEX_GW = new Member(NodeRole.NODE_ROLE_GATEWAY, "globex", List.of());
  static final Member GLOBEX_PF = new Member(NodeRole.NODE_ROLE_PLATFORM, "globex", List.of());
  static final Member SOC = new Member(NodeRole.NODE_ROLE_PLATFORM, "oversoc", List.of("soc-eu"));
  static final Member BILLING = new Member(NodeRole.NODE_ROLE_PLATFORM, "oversoc", List.of("billing"));
  static final Member RELAY = new Member(NodeRole.NODE_ROLE_RELAY, "oversoc", List.of());
  static final List<Member> ALL = List.of(ACME_GW, ACME_GW2, ACME_PF, ACME_PF2, GLOBEX_GW, GLOBEX_PF, SOC, BILLING,
      RELAY);

  static Policy parse(String doc) throws PolicyException {
    return PolicyParser.parse(doc, 1);
  }

  @Test
  void theDefaultDocumentIsTheDefaultPolicy() throws Exception {
    Policy p = PolicyParser.parse(PolicyParser.DEFAULT_DOCUMENT, 0);
    assertEquals(Policy.DEFAULT, p);
  }

  @Test
  void platformsReachTheirOwnTenantsGatewaysWithDirection() {
    Policy p = Policy.DEFAULT;
    assertEquals(Optional.of(PeerAccess.OUTBOUND), p.access(ACME_PF, ACME_GW));
    assertEquals(Optional.of(PeerAccess.INBOUND), p.access(ACME_GW, ACME_PF));
  }

  @Test
  void gatewaysNeverSeeGatewaysRelaysAreInNoMapAndTenantsAreIsolated() throws Exception {
    Policy generous = parse("""
        platform-to-platform = true
        grants = [ { platforms { tenant = oversoc }, gateways { tenant = acme } },
                   { platforms { tenant = oversoc }, gateways { tenant = globex } } ]
        """);
    for (Policy p : List.of(Policy.DEFAULT, generous)) {
      for (Member a : ALL) {
        for (Member b : ALL) {
          Optional<PeerAccess> ab = p.access(a, b);
          assertEquals(ab.isPresent(), p.access(b, a).isPresent(), "visibility is symmetric");
          if (a.role() == NodeRole.NODE_ROLE_GATEWAY && b.role() == NodeRole.NODE_ROLE_GATEWAY) {
            assertTrue(ab.isEmpty(), "gateway-gateway never");
          }
          if (a.role() == NodeRole.NODE_ROLE_RELAY || b.role() == NodeRole.NODE_ROLE_RELAY) {
            assertTrue(ab.isEmpty(), "relays are in no map");
          }
          if (ab.isPresent() && !a.tenant().equals(b.tenant())) {
            assertTrue(a.tenant().equals("oversoc") || b.tenant().equals("oversoc"), "only granted tenants cross");
          }
        }
      }
    }
    assertTrue(Policy.DEFAULT.access(ACME_PF, GLOBEX_GW).isEmpty());
    assertTrue(Policy.DEFAULT.access(GLOBEX_PF, ACME_GW).isEmpty());
  }

  @Test
  void platformToPlatformIsOffByDefaultAndStaysWithinATenant() throws Exception {
    assertTrue(Policy.DEFAULT.access(ACME_PF, ACME_PF2).isEmpty());
    Policy p = parse("platform-to-platform = true");
    assertEquals(Optional.of(PeerAccess.BOTH), p.access(ACME_PF, ACME_PF2));
    assertTrue(p.access(ACME_PF, GLOBEX_PF).isEmpty());
  }

  @Test
  void grantsSelectByTenantAndAnyOfTheTags() throws Exception {
    Policy p = parse("grants = [ { platforms { tenant = oversoc, tags = [soc-eu, soc-us] }, "
        + "gateways { tenant = acme, tags = [prod] } } ]");
    assertEquals(Optional.of(PeerAccess.OUTBOUND), p.access(SOC, ACME_GW2));
    assertTrue(p.access(SOC, ACME_GW).isEmpty(), "gateway lacks the tag");
    assertTrue(p.access(BILLING, ACME_GW2).isEmpty(), "platform lacks the tag");
    assertTrue(p.access(SOC, GLOBEX_GW).isEmpty(), "other tenant");
  }

  @Test
  void sameTenantCanBeTurnedOff() throws Exception {
    assertTrue(parse("same-tenant = false").access(ACME_PF, ACME_GW).isEmpty());
  }

  @Test
  void jsonIsAcceptedToo() throws Exception {
    Policy p = parse("{\"same-tenant\": false, \"grants\": [{\"platforms\": {\"tenant\": \"oversoc\"}, "
        + "\"gateways\": {\"tenant\": \"acme\"}}]}");
    assertEquals(1, p.grants().size());
    assertFalse(p.sameTenant());
  }

  @Test
  void everyMistakeIsReportedOnItsOwnLineWithWhatIsAccepted() {
    PolicyException e = assertThrows(PolicyException.class, () -> parse("""
        same-tenant = maybe
        platform-2-platform = true
        grants = [
          { platforms { tenant = "Bad Tenant" }, gateways { tenant = acme, tags = "prod" } },
          { platforms { tenant = oversoc, colour = red } },
          42
        ]
        """));
    List<String> p = e.problems();
    assertTrue(p.contains("same-tenant: expected true or false"), p.toString());
    assertTrue(p.contains("platform-2-platform: unknown key; accepted: grants, platform-to-platform, same-tenant"),
        p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("grants[0].platforms.tenant: 'Bad Tenant' is not a tenant name")),
        p.toString());
    assertTrue(p.contains("grants[0].gateways.tags: expected a list of tags, e.g. [soc-eu]"), p.toString());
    assertTrue(p.contains("grants[1].platforms.colour: unknown key; accepted: tags, tenant"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("grants[1].gateways: missing")), p.toString());
    assertTrue(p.contains("grants[2]: expected { platforms { ... }, gateways { ... } }"), p.toString());
    assertEquals(7, p.size(), p.toString());
  }

  @Test
  void unparseableTextIsOneProblem() {
    PolicyException e = assertThrows(PolicyException.class, () -> parse("grants = [ {"));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("document: "), e.problems().toString());
  }
}
