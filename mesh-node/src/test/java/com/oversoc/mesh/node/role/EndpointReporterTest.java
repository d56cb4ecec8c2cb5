package com.oversoc.mesh.node.role;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointReporterTest {
  private record Sent(List<IpEndpoint> endpoints, int home) {}

  private final List<Sent> sent = new ArrayList<>();

  private static IpEndpoint ep(String ip, int port) {
    return IpEndpoint.newBuilder().setIp(ByteString.copyFrom(IpLiteral.parse(ip).bytes())).setPort(port).build();
  }

  private static TransportAddress at(String ip, int port) {
    return new TransportAddress(IpLiteral.parse(ip), port);
  }

  private EndpointReporter attached(IpEndpoint... local) {
    EndpointReporter r = new EndpointReporter(List.of(local));
    r.attach((endpoints, home) -> sent.add(new Sent(endpoints, home)));
    return r;
  }

  @Test
  void theLocalEndpointsGoOutAtOnceAndTheMappedOnesFollowThemWithoutDuplicates() {
    EndpointReporter r = attached(ep("10.0.0.5", 41641), ep("127.0.0.1", 41641));
    r.mapped(List.of(at("203.0.113.7", 41641), at("127.0.0.1", 41641), at("203.0.113.7", 41641)));
    assertEquals(List.of(
        new Sent(List.of(ep("10.0.0.5", 41641), ep("127.0.0.1", 41641)), 0),
        new Sent(List.of(ep("10.0.0.5", 41641), ep("127.0.0.1", 41641), ep("203.0.113.7", 41641)), 0)), sent);
  }

  @Test
  void nothingIsSentAgainUntilSomethingChanges() {
    EndpointReporter r = attached(ep("10.0.0.5", 41641));
    r.home(1);
    r.mapped(List.of(at("203.0.113.7", 41641)));
    int before = sent.size();
    r.home(1);
    r.mapped(List.of(at("203.0.113.7", 41641)));
    r.mapped(List.of(at("10.0.0.5", 41641), at("203.0.113.7", 41641))); // the same set
    assertEquals(before, sent.size());

    r.home(2);
    assertEquals(new Sent(List.of(ep("10.0.0.5", 41641), ep("203.0.113.7", 41641)), 2), sent.getLast());
    r.mapped(List.of(at("203.0.113.7", 60001))); // the NAT rebound: the old mapping goes
    assertEquals(new Sent(List.of(ep("10.0.0.5", 41641), ep("203.0.113.7", 60001)), 2), sent.getLast());
    r.mapped(List.of()); // UDP blocked: only the local endpoints are left
    assertEquals(new Sent(List.of(ep("10.0.0.5", 41641)), 2), sent.getLast());
  }

  @Test
  void beforeTheControlClientIsAttachedNothingIsSentAndThenEverythingAtOnce() {
    EndpointReporter r = new EndpointReporter(List.of(ep("10.0.0.5", 41641)));
    r.home(3);
    r.mapped(List.of(at("203.0.113.7", 41641)));
    r.home(-1);
    r.home(3);
    r.attach((endpoints, home) -> sent.add(new Sent(endpoints, home)));
    assertEquals(List.of(new Sent(List.of(ep("10.0.0.5", 41641), ep("203.0.113.7", 41641)), 3)), sent);
  }
}
