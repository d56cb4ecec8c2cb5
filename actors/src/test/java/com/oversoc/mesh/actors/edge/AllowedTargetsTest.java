package com.oversoc.mesh.actors.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a gateway may dial, and how a failed dial is told to the platform. */
class AllowedTargetsTest {
  private static IpLiteral ip(String s) {
    return IpLiteral.parse(s);
  }

  @Test
  void anAddressRuleMatchesThatAddressAndPortOnly() {
    AllowedTargets.Rule r = AllowedTargets.Rule.parse("10.0.1.50:8443");
    assertTrue(r.matches(ip("10.0.1.50"), 8443));
    assertFalse(r.matches(ip("10.0.1.51"), 8443));
    assertFalse(r.matches(ip("10.0.1.50"), 443));
    assertEquals("10.0.1.50:8443", r.toString());
  }

  @Test
  void aNetworkRuleMatchesItsPrefixExactly() {
    AllowedTargets.Rule r = AllowedTargets.Rule.parse("10.0.2.0/23:443");
    assertTrue(r.matches(ip("10.0.2.0"), 443));
    assertTrue(r.matches(ip("10.0.3.255"), 443));
    assertFalse(r.matches(ip("10.0.4.0"), 443));
    assertFalse(r.matches(ip("10.0.1.255"), 443));
    AllowedTargets.Rule all = AllowedTargets.Rule.parse("0.0.0.0/0:22");
    assertTrue(all.matches(ip("192.0.2.9"), 22));
    assertFalse(all.matches(ip("2001:db8::1"), 22), "an IPv4 rule never matches IPv6");
  }

  @Test
  void ipv6RulesAreBracketed() {
    AllowedTargets.Rule r = AllowedTargets.Rule.parse("[2001:db8::]/32:443");
    assertTrue(r.matches(ip("2001:db8:ffff::1"), 443));
    assertFalse(r.matches(ip("2001:db9::1"), 443));
    assertEquals("[2001:db8::]/32:443", r.toString());
    assertTrue(AllowedTargets.Rule.parse("[2001:db8::1]:443").matches(ip("2001:db8::1"), 443));
  }

  @Test
  void badRulesAreTypedErrorsThatSayWhatIsAccepted() {
    for (String bad : List.of("", "10.0.1.50", "10.0.1.50:", "api.acme.example:443", "10.0.0.0/33:443",
        "10.0.0.1:70000", "2001:db8::1:443", "10.0.0.1/x:443", "[2001:db8::1]:0")) {
      AddressFormatException e = assertThrows(AddressFormatException.class, () -> AllowedTargets.Rule.parse(bad), bad);
      assertTrue(e.getMessage().contains("accepted"), bad + ": " + e.getMessage());
    }
  }

  @Test
  void thePolicyRefusesWhatNoRuleAllowsAndSaysWhy() {
    AllowedTargets p = new AllowedTargets(List.of(AllowedTargets.Rule.parse("10.0.1.50:8443"),
        AllowedTargets.Rule.parse("[2001:db8::]/64:443")));
    assertTrue(p.refusal(ip("10.0.1.50"), 8443).isEmpty());
    assertTrue(p.refusal(ip("2001:db8::7"), 443).isEmpty());
    assertEquals("10.0.1.9:8443 is not in this gateway's ovsgw.gateway.allowed-targets",
        p.refusal(ip("10.0.1.9"), 8443).orElseThrow());
    assertTrue(new AllowedTargets(List.of()).refusal(ip("127.0.0.1"), 80).isPresent(), "empty allows nothing");
  }

  @Test
  void aFailedDialIsToldAsTheReasonTheSystemGave() {
    assertEquals(StreamOpenResult.REFUSED,
        TargetDialer.reasonFor(new RuntimeException("wrapped", new ConnectException("Connection refused"))));
    assertEquals(StreamOpenResult.TIMEOUT, TargetDialer.reasonFor(new SocketTimeoutException("connect timed out")));
    assertEquals(StreamOpenResult.TIMEOUT, TargetDialer.reasonFor(new RuntimeException("Connect timeout of 10s expired")));
    assertEquals(StreamOpenResult.UNREACHABLE, TargetDialer.reasonFor(new NoRouteToHostException("No route to host")));
    assertEquals(StreamOpenResult.NETWORK_UNREACHABLE,
        TargetDialer.reasonFor(new ConnectException("Network is unreachable")));
    assertEquals(StreamOpenResult.ADDRESS_FAMILY_UNSUPPORTED,
        TargetDialer.reasonFor(new java.net.SocketException("Protocol family unavailable")));
    assertEquals(StreamOpenResult.UNREACHABLE, TargetDialer.reasonFor(new RuntimeException("something else")));
  }
}
