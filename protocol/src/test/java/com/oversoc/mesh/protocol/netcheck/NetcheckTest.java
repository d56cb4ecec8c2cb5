package com.oversoc.mesh.protocol.netcheck;

import static com.oversoc.mesh.protocol.netcheck.StunNetwork.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.netcheck.Report.Home;
import com.oversoc.mesh.protocol.netcheck.Report.Mapping;
import com.oversoc.mesh.protocol.netcheck.Report.MappedEndpoint;
import com.oversoc.mesh.protocol.netcheck.Report.RegionResult;
import com.oversoc.mesh.protocol.netcheck.Report.UdpStatus;
import com.oversoc.mesh.protocol.stun.StunAttribute;
import com.oversoc.mesh.protocol.stun.StunClass;
import com.oversoc.mesh.protocol.stun.StunCodec;
import com.oversoc.mesh.protocol.stun.StunMessage;
import com.oversoc.mesh.protocol.stun.StunProtocol;
import com.oversoc.mesh.protocol.stun.StunResponder;
import com.oversoc.mesh.protocol.stun.TransactionId;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetcheckTest {
  private static final String S1 = "192.0.2.1:3478";
  private static final String S2 = "192.0.2.2:3478";
  private static final String S3 = "192.0.2.3:3478";
  private static final String PUBLIC = "203.0.113.7:41641";
  private static final Region PAR = new Region(1, "eu-par", 1, List.of(address(S1)));
  private static final Region NYC = new Region(2, "us-nyc", 1, List.of(address(S2)));

  private final StunNetwork net = new StunNetwork();
  private final SplittableRandom random = new SplittableRandom(42);

  private Netcheck round(OptionalInt home, Region... regions) {
    return new Netcheck(List.of(regions), home, random);
  }

  private long endedAtMillis() {
    return Duration.ofNanos(net.clock.nanos()).toMillis();
  }

  @Test
  void everyServerAnswersThreeProbesSpacedApartAndTheFastestRegionIsHome() {
    net.server(S1, Duration.ofMillis(30), PUBLIC);
    net.server(S2, Duration.ofMillis(10), PUBLIC);
    Report r = net.run(round(OptionalInt.empty(), PAR, NYC));

    assertEquals(List.of(0L, 100L, 200L), net.sentTo(S1));
    assertEquals(List.of(0L, 100L, 200L), net.sentTo(S2));
    assertEquals(UdpStatus.WORKS, r.udp());
    assertEquals(List.of(new MappedEndpoint(address(PUBLIC), List.of(address(S2), address(S1)))), r.mapped());
    assertEquals(Mapping.ENDPOINT_INDEPENDENT, r.mapping());
    assertEquals(new RegionResult(1, "eu-par", 3, 3, Optional.of(Duration.ofMillis(30)), Optional.empty()),
        r.region(1).orElseThrow());
    assertEquals(new RegionResult(2, "us-nyc", 3, 3, Optional.of(Duration.ofMillis(10)), Optional.empty()),
        r.region(2).orElseThrow());
    assertEquals(Optional.of(new Home(2, Home.Reason.LOWEST_LATENCY)), r.home());
    assertEquals(230, endedAtMillis(), "the round ends with its last answer, not at the timeout");
  }

  @Test
  void theLatencyIsTheBestProbeNotTheFirst() {
    StunNetwork.Server s = net.server(S1, Duration.ofMillis(30), PUBLIC);
    List<Duration> rtts = List.of(Duration.ofMillis(80), Duration.ofMillis(25), Duration.ofMillis(40));
    s.rtt = n -> rtts.get(n - 1);
    Report r = net.run(round(OptionalInt.empty(), PAR));
    assertEquals(Optional.of(Duration.ofMillis(25)), r.region(1).orElseThrow().latency());
  }

  @Test
  void lostRequestsAreRetransmittedAndTheirLatencyCountsFromTheFirstRequest() {
    StunNetwork.Server s = net.server(S1, Duration.ofMillis(30), PUBLIC);
    s.drop = (n, at) -> n <= 3; // the first request of each of the three probes
    Report r = net.run(round(OptionalInt.empty(), PAR));

    assertEquals(List.of(0L, 100L, 200L, 500L, 600L, 700L), net.sentTo(S1));
    RegionResult par = r.region(1).orElseThrow();
    assertEquals(3, par.answered());
    // Karn: an answer to a repeated request may be to either copy, so 500 + 30 ms is an upper bound.
    assertEquals(Optional.of(Duration.ofMillis(530)), par.latency());
    assertEquals(UdpStatus.WORKS, r.udp());
  }

  @Test
  void aLostAnswerOfOneProbeLeavesTheOthersToMeasure() {
    StunNetwork.Server s = net.server(S1, Duration.ofMillis(30), PUBLIC);
    s.drop = (n, at) -> n == 1;
    Report r = net.run(round(OptionalInt.empty(), PAR));
    assertEquals(List.of(0L, 100L, 200L, 500L), net.sentTo(S1));
    assertEquals(Optional.of(Duration.ofMillis(30)), r.region(1).orElseThrow().latency());
    assertEquals(530, endedAtMillis());
  }

  @Test
  void aRegionThatNeverAnswersIsRetriedOnTheScheduleUntilTheRoundTimesOut() {
    net.server(S1, Duration.ofMillis(30), PUBLIC);
    Report r = net.run(round(OptionalInt.empty(), PAR, NYC));

    assertEquals(List.of(0L, 100L, 200L, 500L, 600L, 700L, 1500L, 1600L, 1700L, 3500L, 3600L, 3700L), net.sentTo(S2));
    assertEquals(NetcheckDefaults.ROUND_TIMEOUT.toMillis(), endedAtMillis());
    assertEquals(new RegionResult(2, "us-nyc", 3, 0, Optional.empty(), Optional.empty()), r.region(2).orElseThrow());
    assertEquals(UdpStatus.WORKS, r.udp());
    assertEquals(Mapping.UNKNOWN, r.mapping(), "one server answered: nothing to compare");
    assertEquals(Optional.of(new Home(1, Home.Reason.LOWEST_LATENCY)), r.home());
  }

  @Test
  void udpBlockedEntirelyIsReportedAndHomeFallsBackToTheFirstRegionWithAServer() {
    Region empty = new Region(5, "empty", 0, List.of());
    Report r = net.run(round(OptionalInt.empty(), empty, PAR, NYC));

    assertEquals(UdpStatus.BLOCKED, r.udp());
    assertEquals(List.of(), r.mapped());
    assertEquals(Mapping.UNKNOWN, r.mapping());
    assertEquals(Optional.of(new Home(1, Home.Reason.FIRST_REGION)), r.home());
    assertEquals(NetcheckDefaults.ROUND_TIMEOUT.toMillis(), endedAtMillis());
    assertEquals(24, net.sent.size(), "4 requests of 3 probes to each of 2 servers, nothing more");
  }

  @Test
  void udpBlockedKeepsTheCurrentHome() {
    Report r = net.run(round(OptionalInt.of(2), PAR, NYC));
    assertEquals(UdpStatus.BLOCKED, r.udp());
    assertEquals(Optional.of(new Home(2, Home.Reason.KEPT_UNMEASURED)), r.home());
  }

  @Test
  void serversThatSeeDifferentEndpointsAreAllReportedAsAnEndpointDependentMapping() {
    net.server(S1, Duration.ofMillis(30), PUBLIC);
    net.server(S2, Duration.ofMillis(10), "203.0.113.7:50000");
    net.server(S3, Duration.ofMillis(12), PUBLIC);
    Region nyc = new Region(2, "us-nyc", 2, List.of(address(S2), address(S3)));
    Report r = net.run(round(OptionalInt.empty(), PAR, nyc));

    assertEquals(List.of(
        new MappedEndpoint(address("203.0.113.7:50000"), List.of(address(S2))),
        new MappedEndpoint(address(PUBLIC), List.of(address(S3), address(S1)))), r.mapped());
    assertEquals(Mapping.ENDPOINT_DEPENDENT, r.mapping());
    assertEquals(Optional.of(Duration.ofMillis(10)), r.region(2).orElseThrow().latency(), "the best of its servers");
    assertEquals(6, r.region(2).orElseThrow().probesSent());
  }

  @Test
  void twoServersThatAgreeMakeAnEndpointIndependentMappingEvenInOneRegion() {
    net.server(S2, Duration.ofMillis(10), PUBLIC);
    net.server(S3, Duration.ofMillis(12), PUBLIC);
    Report r = net.run(round(OptionalInt.empty(), new Region(2, "us-nyc", 2, List.of(address(S2), address(S3)))));
    assertEquals(Mapping.ENDPOINT_INDEPENDENT, r.mapping());
    assertEquals(List.of(address(PUBLIC)), r.mappedEndpoints());
  }

  @Test
  void aMappingThatChangesBetweenRoundsIsReportedAsItIsNow() {
    StunNetwork.Server s = net.server(S1, Duration.ofMillis(30), PUBLIC);
    Report first = net.run(round(OptionalInt.empty(), PAR));
    s.mapped = address("203.0.113.7:60001"); // the NAT rebound
    net.clock.advance(NetcheckDefaults.ROUND_INTERVAL);
    Report second = net.run(round(first.home().map(h -> OptionalInt.of(h.region())).orElseThrow(), PAR));

    assertEquals(List.of(address(PUBLIC)), first.mappedEndpoints());
    assertEquals(List.of(address("203.0.113.7:60001")), second.mappedEndpoints(), "the old mapping is not kept");
    assertEquals(Optional.of(new Home(1, Home.Reason.KEPT)), second.home());
  }

  @Test
  void aMappingThatChangesDuringARoundListsBothButOneServerCannotCallItEndpointDependent() {
    StunNetwork.Server s = net.server(S1, Duration.ofMillis(30), PUBLIC);
    TransportAddress rebound = address("203.0.113.7:60001");
    StunNetwork.Answer relay = s.answer;
    s.answer = (request, mapped) -> relay.to(request, net.clock.nanos() >= 150_000_000L ? rebound : mapped);
    Report r = net.run(round(OptionalInt.empty(), PAR));
    assertEquals(List.of(address(PUBLIC), rebound), r.mappedEndpoints());
    assertEquals(Mapping.UNKNOWN, r.mapping());
  }

  @Test
  void noisySamplesDoNotMoveTheHomeButAClearlyFasterRegionDoes() {
    StunNetwork.Server par = net.server(S1, Duration.ofMillis(20), PUBLIC);
    StunNetwork.Server nyc = net.server(S2, Duration.ofMillis(22), PUBLIC);
    OptionalInt home = OptionalInt.empty();
    int[][] samples = {{20, 22}, {24, 19}, {21, 17}, {25, 18}, {23, 19}};
    for (int[] ms : samples) {
      par.rtt = n -> Duration.ofMillis(ms[0]);
      nyc.rtt = n -> Duration.ofMillis(ms[1]);
      Report r = net.run(round(home, PAR, NYC));
      assertEquals(1, r.home().orElseThrow().region(), "samples " + ms[0] + "/" + ms[1] + " ms");
      home = OptionalInt.of(r.home().orElseThrow().region());
      net.clock.advance(NetcheckDefaults.ROUND_INTERVAL);
    }
    par.rtt = n -> Duration.ofMillis(45);
    Report r = net.run(round(home, PAR, NYC));
    assertEquals(Optional.of(new Home(2, Home.Reason.FASTER)), r.home());
  }

  @Test
  void aHomeThatStopsAnsweringIsLeftForOneThatAnswers() {
    StunNetwork.Server par = net.server(S1, Duration.ofMillis(20), PUBLIC);
    net.server(S2, Duration.ofMillis(60), PUBLIC);
    par.drop = (n, at) -> true;
    Report r = net.run(round(OptionalInt.of(1), PAR, NYC));
    assertEquals(Optional.of(new Home(2, Home.Reason.CURRENT_SILENT)), r.home());
  }

  @Test
  void anErrorAnswerMeansUdpWorksButGivesNoLatency() {
    StunNetwork.Server s = net.server(S1, Duration.ofMillis(30), PUBLIC);
    s.answer = (request, mapped) -> {
      StunMessage m = StunCodec.decode(request, request.length);
      return Optional.of(StunCodec.encode(new StunMessage(StunClass.ERROR_RESPONSE, StunProtocol.METHOD_BINDING,
          StunProtocol.MAGIC_COOKIE, m.transactionId(), List.of(new StunAttribute.ErrorCode(500, "Server Error")),
          true)));
    };
    Report r = net.run(round(OptionalInt.empty(), PAR));
    assertEquals(UdpStatus.WORKS, r.udp());
    RegionResult par = r.region(1).orElseThrow();
    assertEquals(0, par.answered());
    assertEquals(Optional.empty(), par.latency());
    assertEquals(Optional.of(S1 + ": error 500 Server Error"), par.error());
    assertEquals(Optional.of(new Home(1, Home.Reason.FIRST_REGION)), r.home());
    assertEquals(230, endedAtMillis(), "an error is an outcome: the round does not wait for the timeout");
  }

  @Test
  void aRoundWithNothingToProbeIsDoneAtOnce() {
    Netcheck round = round(OptionalInt.empty(), new Region(3, "no-stun", 2, List.of()));
    assertEquals(List.of(), round.start(0));
    assertTrue(round.isDone());
    Report r = round.report();
    assertEquals(UdpStatus.NOT_PROBED, r.udp());
    assertEquals(Optional.of(new Home(3, Home.Reason.FIRST_REGION)), r.home());

    Netcheck none = round(OptionalInt.empty());
    none.start(0);
    assertEquals(Optional.empty(), none.report().home());
    assertEquals("UDP not probed, mapped none, latency no regions, home none", none.report().summary());
  }

  @Test
  void datagramsThatAreNotAnswersToItsProbesAreLeftForTheCaller() {
    Netcheck round = round(OptionalInt.empty(), PAR);
    List<Netcheck.Send> first = round.start(0);
    byte[] wireGuardInitiation = new byte[148];
    wireGuardInitiation[0] = 1;
    assertFalse(round.onDatagram(wireGuardInitiation, wireGuardInitiation.length, 1));
    byte[] otherTransaction =
        StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new SplittableRandom(7))));
    assertFalse(round.onDatagram(otherTransaction, otherTransaction.length, 1));
    byte[] answer = new StunResponder("relay", Optional.empty())
        .answer(first.get(0).datagram(), first.get(0).datagram().length, address(PUBLIC)).reply().orElseThrow();
    assertFalse(round.onDatagram(answer, answer.length - 4, 1), "a truncated answer is not STUN");

    assertTrue(round.onDatagram(answer, answer.length, 5_000_000));
    assertTrue(round.onDatagram(answer, answer.length, 6_000_000), "a duplicate is still this round's");
    while (!round.isDone()) {
      round.onTick(round.nextTickNanos());
    }
    assertEquals(1, round.report().region(1).orElseThrow().answered(), "the duplicate counted once");
    assertEquals(Optional.of(Duration.ofMillis(5)), round.report().region(1).orElseThrow().latency());
    assertFalse(round.onDatagram(answer, answer.length, NetcheckDefaults.ROUND_TIMEOUT.toNanos() + 1),
        "after the round nothing is taken");
  }

  @Test
  void theSummaryIsOneLineWithEverything() {
    net.server(S1, Duration.ofMillis(30), PUBLIC);
    net.server(S2, Duration.ofMillis(10), PUBLIC);
    Report r = net.run(round(OptionalInt.empty(), PAR, NYC));
    assertEquals("UDP works, mapped 203.0.113.7:41641 (mapping endpoint-independent), latency eu-par(1)=30.0ms "
        + "us-nyc(2)=10.0ms, home 2 us-nyc (lowest latency)", r.summary());
  }

  @Test
  void misuseIsRefused() {
    Netcheck round = round(OptionalInt.empty(), PAR);
    assertThrows(IllegalStateException.class, () -> round.onTick(0));
    assertThrows(IllegalStateException.class, () -> round.onDatagram(new byte[20], 20, 0));
    round.start(0);
    assertThrows(IllegalStateException.class, round::report);
    assertThrows(IllegalStateException.class, () -> round.start(1));
    assertThrows(IllegalArgumentException.class, () -> round(OptionalInt.empty(), PAR, PAR));
    assertThrows(IllegalArgumentException.class, () -> new Region(0, "zero", 1, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new Region(1, "more-stun-than-servers", 0, List.of(address(S1))));
  }
}
