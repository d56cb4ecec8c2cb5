package com.oversoc.mesh.actors.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.netcheck.Region;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StunTargetsTest {
  private final List<String> asked = new ArrayList<>();
  private final StunTargets.Resolver resolver = host -> {
    asked.add(host);
    return switch (host) {
      case "both.test" -> new InetAddress[] {InetAddress.getByName("2001:db8::7"), InetAddress.getByName("192.0.2.7")};
      case "v6only.test" -> new InetAddress[] {InetAddress.getByName("2001:db8::8")};
      default -> throw new UnknownHostException(host + ": no such name");
    };
  };

  private static RelayServer server(String host, int stunPort) {
    return RelayServer.newBuilder().setHost(host).setPort(443).setStunPort(stunPort).build();
  }

  private static RelayMap map(RelayRegion.Builder... regions) {
    RelayMap.Builder b = RelayMap.newBuilder();
    for (RelayRegion.Builder r : regions) {
      b.addRegions(r);
    }
    return b.build();
  }

  private static TransportAddress at(String ip, int port) {
    return new TransportAddress(IpLiteral.parse(ip), port);
  }

  @Test
  void literalsAreTakenAsTheyAreAndNamesResolvedToTheSocketsFamily() {
    RelayMap m = map(RelayRegion.newBuilder().setRegionId(1).setCode("par")
        .addServers(server("192.0.2.1", 3478)).addServers(server("both.test", 3479)));
    StunTargets.Result v4 = StunTargets.of(m, false, resolver);
    assertEquals(List.of(new Region(1, "par", 2, List.of(at("192.0.2.1", 3478), at("192.0.2.7", 3479)))), v4.regions());
    assertEquals(List.of(), v4.problems());
    assertEquals(List.of("both.test"), asked, "a literal is never resolved");

    StunTargets.Result v6 = StunTargets.of(m, true, resolver);
    assertEquals(at("2001:db8::7", 3479), v6.regions().get(0).stunServers().get(1), "an IPv6 socket takes the first");
  }

  @Test
  void serversLeftOutStillCountAsRelayServersAndTheReasonIsTold() {
    RelayMap m = map(RelayRegion.newBuilder().setRegionId(3).setCode("nyc")
        .addServers(server("192.0.2.1", 0))
        .addServers(server("missing.test", 3478))
        .addServers(server("v6only.test", 3478))
        .addServers(server("2001:db8::1", 3478)));
    StunTargets.Result r = StunTargets.of(m, false, resolver);
    assertEquals(List.of(new Region(3, "nyc", 4, List.of())), r.regions());
    assertEquals(3, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).contains("missing.test does not resolve"), r.problems().get(0));
    assertTrue(r.problems().get(1).contains("v6only.test resolves to no IPv4 address"), r.problems().get(1));
    assertTrue(r.problems().get(2).contains("2001:db8::1 is IPv6"), r.problems().get(2));
  }

  @Test
  void aRegionWithAnInvalidOrRepeatedIdIsSkippedAndTheOrderOfTheMapIsKept() {
    RelayMap m = map(RelayRegion.newBuilder().setRegionId(0).setCode("bad").addServers(server("192.0.2.1", 3478)),
        RelayRegion.newBuilder().setRegionId(9).setCode("b").addServers(server("192.0.2.9", 3478)),
        RelayRegion.newBuilder().setRegionId(4).setCode("a"),
        RelayRegion.newBuilder().setRegionId(9).setCode("again").addServers(server("192.0.2.10", 3478)));
    StunTargets.Result r = StunTargets.of(m, false, resolver);
    assertEquals(List.of(9, 4), r.regions().stream().map(Region::id).toList());
    assertEquals(List.of(at("192.0.2.9", 3478)), r.regions().get(0).stunServers(), "the first region 9 counts");
    assertEquals(0, r.regions().get(1).relayServers());
    assertTrue(r.problems().get(0).contains("region 0"), r.problems().toString());
    assertTrue(r.problems().get(1).contains("region 9 (again)"), r.problems().toString());
  }
}
