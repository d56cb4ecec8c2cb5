package com.oversoc.mesh.protocol.path;

import static com.oversoc.mesh.protocol.path.EventClock.MS;
import static com.oversoc.mesh.protocol.path.EventClock.S;
import static com.oversoc.mesh.protocol.path.FakeNetwork.IS_RELAY;
import static com.oversoc.mesh.protocol.path.FakeNetwork.RELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.path.FakeNetwork.Change;
import com.oversoc.mesh.protocol.path.PathSelector.PathStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The path selector against a fake network on manual time: discovery, confirmation, RTT choice
 * and hysteresis, death and fallback, upgrade, NAT mappings learned from the peer's traffic,
 * heartbeat cadence, limits, and what it ignores.
 */
class PathSelectorTest {
  private static final Optional<String> WITH_RELAY = Optional.of(RELAY);
  private static final long SILENCE = PathDefaults.ACTIVE_SILENCE_TIMEOUT.toNanos();
  private static final long UPGRADE = PathDefaults.UPGRADE_INTERVAL.toNanos();
  private static final long PING_TIMEOUT = PathDefaults.PING_TIMEOUT.toNanos();
  private static final long TRAFFIC_GAP = 50 * MS;

  private static PathSelector<String> selector(long seed) {
    return new PathSelector<>(IS_RELAY, new SplittableRandom(seed));
  }

  /** The transaction id of the only ping {@code poll} returned for {@code to}. */
  private static long pingTo(PathSelector.Actions<String> actions, String to) {
    List<Long> txids = actions.probes().stream().filter(p -> p.to().equals(to))
        .map(p -> FakeNetwork.decode(p.packet()).txid()).toList();
    assertEquals(1, txids.size(), "one ping to " + to + " in " + actions.probes());
    return txids.get(0);
  }

  /** A selector whose peer has one direct candidate, udp:a, and the relay, with its session up. */
  private static PathSelector<String> upWithA(long seed) {
    PathSelector<String> s = selector(seed);
    s.setCandidates(List.of("udp:a"), WITH_RELAY, 0);
    s.sessionUp(true, 0);
    return s;
  }

  private static PathStatus<String> status(PathSelector<String> selector, String address, long now) {
    return selector.paths(now).stream().filter(p -> p.address().equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError(address + " is not a candidate"));
  }

  private static List<String> addresses(PathSelector<String> selector, long now) {
    return selector.paths(now).stream().map(PathStatus::address).toList();
  }

  private static List<Long> gaps(List<Long> times) {
    return IntStream.range(1, times.size()).mapToObj(i -> times.get(i) - times.get(i - 1)).toList();
  }

  // ---- relay only, discovery and upgrade schedule ----

  @Test
  void aPeerWithOnlyARelayIsReachedThroughItAndNothingIsEverPinged() {
    FakeNetwork net = FakeNetwork.started(1, List.of(), WITH_RELAY, 0).runUntil(120 * S);
    assertEquals(WITH_RELAY, net.current());
    assertTrue(net.pings.isEmpty(), "the relay always works: it is never pinged");
    assertEquals(List.of(RELAY), net.selector.handshakePaths(net.now()));
    assertEquals(PathSelector.NONE, net.selector.poll(net.now()).nextDeadline());
    assertEquals(List.of(new Change(0, WITH_RELAY)), net.changes);
  }

  @Test
  void candidatesThatNeverAnswerArePingedAtSessionUpWithBackOffThenEveryUpgradeIntervalWhileOnTheRelay() {
    FakeNetwork net = FakeNetwork.started(2, List.of("udp:a", "udp:b"), WITH_RELAY, 0).runUntil(200 * S);
    List<Long> times = net.pingTimes("udp:a", 0, 200 * S);
    assertEquals(List.of(0L, 500 * MS, 1_500 * MS, 3_500 * MS, 7_500 * MS), times.subList(0, 5),
        "at once, then after 0.5, 1, 2 and 4 s");
    List<Long> upgradeGaps = gaps(times.subList(4, times.size()));
    assertTrue(upgradeGaps.size() >= 9, "upgrade tries: " + upgradeGaps);
    for (long gap : upgradeGaps) {
      assertTrue(gap > UPGRADE - PathDefaults.UPGRADE_JITTER.toNanos() && gap <= UPGRADE, "gap " + gap);
    }
    assertTrue(upgradeGaps.stream().distinct().count() > 1, "jittered: " + upgradeGaps);
    assertEquals(times, net.pingTimes("udp:b", 0, 200 * S), "every candidate in every round");
    assertEquals(List.of(new Change(0, WITH_RELAY)), net.changes, "never leaves the relay");
    assertEquals(List.of(RELAY, "udp:a", "udp:b"), net.selector.handshakePaths(net.now()));
  }

  // ---- confirmation and choice ----

  @Test
  void aDirectPathIsConfirmedOneRoundTripAfterTheSessionComesUp() {
    FakeNetwork net = FakeNetwork.started(3, List.of("udp:a"), WITH_RELAY, 1 * S).answers("udp:a", 30);
    net.runUntil(1 * S + 29 * MS);
    assertEquals(WITH_RELAY, net.current(), "no ping before the session, no answer before one RTT");
    net.runUntil(10 * S);
    assertEquals(1 * S + 30 * MS, net.firstChangeTo("udp:a", 0));
    assertEquals(List.of("udp:a"), net.selector.handshakePaths(net.now()), "a confirmed path is where handshakes go");
    assertEquals(30 * MS, status(net.selector, "udp:a", net.now()).srttNanos());
    assertEquals(List.of(1 * S), net.pingTimes("udp:a", 0, 1 * S + 30 * MS + 1), "no discovery retry once answered");
  }

  @Test
  void onPongNamesTheNewPathOnlyWhenTheChoiceChanges() {
    PathSelector<String> s = selector(4);
    s.setCandidates(List.of("udp:a", "udp:b"), WITH_RELAY, 0);
    s.sessionUp(true, 0);
    PathSelector.Actions<String> first = s.poll(0);
    long a = pingTo(first, "udp:a");
    long b = pingTo(first, "udp:b");
    assertEquals(Optional.of("udp:a"), s.onPong(a, "udp:a", 10 * MS));
    assertEquals(Optional.empty(), s.onPong(b, "udp:b", 12 * MS), "b is not clearly better");
    assertEquals(Optional.of("udp:a"), s.current(12 * MS));
    assertEquals(Optional.empty(), s.onPong(a, "udp:a", 13 * MS), "a second pong for one ping is ignored");
    assertEquals(1, s.stats().pongsIgnored());
    assertEquals(2, s.stats().pongsAccepted());
  }

  @Test
  void theLowestRttOfTwoLiveDirectPathsIsChosen() {
    FakeNetwork net = FakeNetwork.started(5, List.of("udp:wan", "udp:lan"), WITH_RELAY, 0)
        .answers("udp:wan", 30).answers("udp:lan", 2);
    net.sendData(0, 60 * S, TRAFFIC_GAP);
    net.runUntil(60 * S);
    assertEquals(List.of(new Change(0, WITH_RELAY), new Change(2 * MS, Optional.of("udp:lan"))), net.changes);
    assertTrue(status(net.selector, "udp:wan", net.now()).live(), "the slower path stays live as a backup");
    assertEquals(30 * MS, status(net.selector, "udp:wan", net.now()).srttNanos());
    assertEquals(2 * MS, status(net.selector, "udp:lan", net.now()).srttNanos());
  }

  @Test
  void aClearlyFasterPathThatStartsToAnswerLaterTakesOver() {
    FakeNetwork net = FakeNetwork.started(6, List.of("udp:slow", "udp:fast"), WITH_RELAY, 0).answers("udp:slow", 40);
    net.at(10 * S, () -> net.answers("udp:fast", 4));
    net.runUntil(60 * S);
    assertEquals(40 * MS, net.firstChangeTo("udp:slow", 0));
    long upgraded = net.firstChangeTo("udp:fast", 10 * S);
    assertTrue(upgraded <= 10 * S + UPGRADE + 4 * MS, "found by the next upgrade round: " + upgraded);
    assertEquals(Optional.of("udp:fast"), net.current());
  }

  @Test
  void hysteresisSwitchesOnlyForAPathAtLeastTwentyPercentAndFiveMillisecondsFaster() {
    long[] rttA = {10 * MS};
    long[] rttB = {12 * MS};
    FakeNetwork net = FakeNetwork.started(7, List.of("udp:a", "udp:b"), WITH_RELAY, 0)
        .answers("udp:a", () -> rttA[0], "udp:a").answers("udp:b", () -> rttB[0], "udp:b");
    net.sendData(0, 420 * S, TRAFFIC_GAP);
    net.at(60 * S, () -> rttA[0] = 14 * MS);
    net.at(180 * S, () -> {
      rttA[0] = 100 * MS;
      rttB[0] = 85 * MS;
    });
    net.at(300 * S, () -> rttB[0] = 75 * MS);
    net.runUntil(420 * S);
    assertEquals(List.of(new Change(0, WITH_RELAY), new Change(10 * MS, Optional.of("udp:a"))),
        net.changesBetween(0, 300 * S), "b 2 ms (14%) better, then 15 ms (15%) better: no switch");
    List<Change> later = net.changesBetween(300 * S, 420 * S);
    assertEquals(1, later.size(), "b 25 ms (25%) better: one switch " + later);
    assertEquals(Optional.of("udp:b"), later.get(0).current());
    assertTrue(later.get(0).at() < 330 * S, "once b's SRTT has moved far enough: " + later.get(0).at());
  }

  @Test
  void theRoundTripIsSmoothedAsRfc6298Srtt() {
    PathSelector<String> s = upWithA(40);
    s.onPong(pingTo(s.poll(0), "udp:a"), "udp:a", 100 * MS);
    assertEquals(100 * MS, status(s, "udp:a", 100 * MS).srttNanos(), "the first sample as it is");
    s.onPong(pingTo(s.poll(25 * S), "udp:a"), "udp:a", 25 * S + 20 * MS);
    assertEquals(90 * MS, status(s, "udp:a", 25 * S + 20 * MS).srttNanos(), "100 + (20 - 100) / 8");
    s.onPong(pingTo(s.poll(50 * S), "udp:a"), "udp:a", 50 * S + 10 * MS);
    assertEquals(80 * MS, status(s, "udp:a", 50 * S + 10 * MS).srttNanos(), "90 + (10 - 90) / 8");
  }

  @Test
  void twoSimilarJitteryPathsDoNotFlap() {
    SplittableRandom jitter = new SplittableRandom(77);
    FakeNetwork net = FakeNetwork.started(8, List.of("udp:a", "udp:b"), WITH_RELAY, 0)
        .answers("udp:a", () -> 10 * MS + jitter.nextLong(-3 * MS, 3 * MS), "udp:a")
        .answers("udp:b", () -> 11 * MS + jitter.nextLong(-3 * MS, 3 * MS), "udp:b");
    net.sendData(0, 600 * S, TRAFFIC_GAP);
    net.runUntil(600 * S);
    assertEquals(2, net.changes.size(), "relay, then one direct path for ten minutes: " + net.changes);
    assertTrue(net.pings.size() > 500, "RTT sampled all along: " + net.pings.size());
  }

  // ---- death, fallback and upgrade ----

  @Test
  void aDirectPathThatDiesWhileDataFlowsFallsBackToTheRelayWithinSecondsAndUpgradesWhenUdpReturns() {
    FakeNetwork net = FakeNetwork.started(9, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20);
    net.sendData(0, 200 * S, TRAFFIC_GAP);
    net.at(29 * S, () -> net.block("udp:a"));
    net.at(100 * S, () -> net.answers("udp:a", 20));
    net.runUntil(200 * S);
    long fallback = net.firstChangeTo(RELAY, 29 * S);
    assertEquals(28 * S + 20 * MS + SILENCE, fallback, "6.5 s after the last pong (heartbeat of 28 s)");
    assertTrue(fallback - 29 * S < SILENCE, "within 6.5 s of the path dying");
    assertEquals(1, net.selector.stats().pathsDied());
    List<Long> retries = net.pingTimes("udp:a", fallback, fallback + 8 * S);
    assertEquals(List.of(fallback, fallback + 500 * MS, fallback + 1_500 * MS, fallback + 3_500 * MS,
        fallback + 7_500 * MS), retries, "a dead path restarts discovery");
    long upgraded = net.firstChangeTo("udp:a", 100 * S);
    assertTrue(upgraded - 100 * S <= UPGRADE + 20 * MS, "direct again within one upgrade interval: " + upgraded);
    assertTrue(upgraded - 100 * S < 60 * S, "the product's promise: within 60 s");
    assertEquals(Optional.of("udp:a"), net.current());
  }

  @Test
  void whenTheCurrentPathDiesAnotherLiveDirectPathTakesOverBeforeTheRelay() {
    FakeNetwork net = FakeNetwork.started(10, List.of("udp:a", "udp:b"), WITH_RELAY, 0)
        .answers("udp:a", 10).answers("udp:b", 30);
    net.sendData(0, 60 * S, TRAFFIC_GAP);
    net.at(29 * S, () -> net.block("udp:a"));
    net.runUntil(60 * S);
    List<Change> after = net.changesBetween(29 * S, 60 * S);
    assertEquals(List.of(new Change(28 * S + 10 * MS + SILENCE, Optional.of("udp:b"))), after);
  }

  @Test
  void anIdlePathThatDiesIsDeclaredDeadAfterThreeMissedHeartbeats() {
    FakeNetwork net = FakeNetwork.started(11, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20);
    net.at(40 * S, () -> net.block("udp:a"));
    net.runUntil(200 * S);
    assertEquals(List.of(0L, 25 * S, 50 * S, 75 * S, 100 * S), net.pingTimes("udp:a", 0, 101 * S),
        "idle heartbeats every 25 s");
    assertEquals(100 * S + PING_TIMEOUT, net.firstChangeTo(RELAY, 1 * S),
        "the heartbeats of 50, 75 and 100 s missed: dead when the third one times out");
  }

  @Test
  void silenceCountsOnlyWhileDataFlowsAfterwardsMissedHeartbeatsDecide() {
    FakeNetwork net = FakeNetwork.started(41, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20);
    net.sendData(0, 20 * S, TRAFFIC_GAP);
    net.at(29 * S, () -> net.block("udp:a"));
    net.runUntil(200 * S);
    assertEquals(List.of(53 * S, 78 * S, 103 * S), net.pingTimes("udp:a", 29 * S, 104 * S),
        "data stopped at 19.95 s: idle heartbeats from the one of 28 s");
    assertEquals(103 * S + PING_TIMEOUT, net.firstChangeTo(RELAY, 1 * S),
        "not at 34.52 s (28.02 + 6.5): no data flowed by then");
  }

  @Test
  void aBackupPathThatDiesIsNotWhereTrafficGoesWhenTheCurrentOneDies() {
    FakeNetwork net = FakeNetwork.started(42, List.of("udp:a", "udp:b"), WITH_RELAY, 0)
        .answers("udp:a", 10).answers("udp:b", 30);
    net.sendData(0, 120 * S, TRAFFIC_GAP);
    net.at(29 * S, () -> net.block("udp:b"));
    net.at(59 * S, () -> net.block("udp:a"));
    net.runUntil(40 * S);
    assertFalse(status(net.selector, "udp:b", net.now()).live(), "the backup is judged by its own heartbeats");
    assertEquals(Optional.of("udp:a"), net.current());
    net.runUntil(120 * S);
    assertEquals(List.of(new Change(0, WITH_RELAY), new Change(10 * MS, Optional.of("udp:a")),
        new Change(58 * S + 10 * MS + SILENCE, WITH_RELAY)), net.changes);
    assertEquals(2, net.selector.stats().pathsDied());
  }

  @Test
  void dataStartingOnAPathThatDiedWhileIdleSendsAHeartbeatAtOnceAndFallsBackSixAndAHalfSecondsLater() {
    FakeNetwork net = FakeNetwork.started(12, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20);
    net.at(90 * S, () -> net.block("udp:a"));
    net.sendData(110 * S, 200 * S, TRAFFIC_GAP);
    net.runUntil(200 * S);
    assertTrue(net.pingTimes("udp:a", 100 * S, 111 * S).contains(110 * S), "a heartbeat with the first data");
    assertEquals(110 * S + SILENCE, net.firstChangeTo(RELAY, 1 * S),
        "judged from the start of the data flow, not from the last pong of 75 s");
  }

  @Test
  void heartbeatsRunEveryTwoSecondsWhileDataFlowsAndEveryTwentyFiveWithout() {
    FakeNetwork net = FakeNetwork.started(13, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20);
    net.sendData(0, 60 * S, TRAFFIC_GAP);
    net.runUntil(200 * S);
    List<Long> active = net.pingTimes("udp:a", 0, 60 * S);
    assertEquals(30, active.size());
    assertTrue(gaps(active).stream().allMatch(g -> g == 2 * S), "every 2 s: " + gaps(active));
    assertEquals(List.of(60 * S, 62 * S, 64 * S, 66 * S, 68 * S, 93 * S, 118 * S, 143 * S, 168 * S, 193 * S),
        net.pingTimes("udp:a", 60 * S, 200 * S), "2 s until 10 s after the last data (59.95 s), then 25 s");
    assertEquals(Optional.of("udp:a"), net.current());
  }

  @Test
  void pollReturnsNothingNewWhenCalledAgainBeforeItsDeadline() {
    FakeNetwork net = FakeNetwork.started(14, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20).runUntil(10 * S);
    PathSelector.Actions<String> first = net.selector.poll(10 * S);
    PathSelector.Actions<String> again = net.selector.poll(10 * S + 1);
    assertTrue(first.probes().isEmpty() && again.probes().isEmpty());
    assertEquals(25 * S, first.nextDeadline(), "the next idle heartbeat");
    assertEquals(first.nextDeadline(), again.nextDeadline());
    assertEquals(1, net.selector.poll(25 * S).probes().size());
  }

  // ---- NAT mappings ----

  @Test
  void theNatMappingThePeersMessagesComeFromIsLearnedAndConfirmedWhenItsListedEndpointNeverAnswers() {
    FakeNetwork net = FakeNetwork.started(15, List.of("udp:listed"), WITH_RELAY, 0).answers("udp:mapped", 25);
    net.peerSendsFrom("udp:mapped", 300 * MS, 60 * S, 1 * S);
    net.runUntil(60 * S);
    assertEquals(300 * MS + 25 * MS, net.firstChangeTo("udp:mapped", 0), "pinged as soon as heard from");
    assertEquals(new PathStatus<>("udp:listed", true, false, false, -1), status(net.selector, "udp:listed", net.now()));
    PathStatus<String> mapped = status(net.selector, "udp:mapped", net.now());
    assertTrue(mapped.learned() && !mapped.listed() && mapped.live(), mapped.toString());
    assertEquals(1, net.selector.stats().candidatesLearned());
  }

  @Test
  void aPongFromAnotherAddressThanItsPingWentToMakesThatAddressACandidateButConfirmsNothing() {
    FakeNetwork net = FakeNetwork.started(16, List.of("udp:listed"), WITH_RELAY, 0)
        .answers("udp:listed", () -> 25 * MS, "udp:mapped").answers("udp:mapped", 25);
    net.runUntil(30 * S);
    assertEquals(50 * MS, net.firstChangeTo("udp:mapped", 0), "the pong's source pinged in turn, and it answered");
    assertFalse(status(net.selector, "udp:listed", net.now()).live(), "a path is confirmed only by its own pong");
    assertTrue(net.selector.stats().pongsFromOtherAddress() >= 1);
  }

  @Test
  void aKnownCandidateHeardFromIsPingedAtOnceIfNothingIsInFlightToIt() {
    PathSelector<String> s = upWithA(17);
    for (long round : new long[] {0, 500 * MS, 1_500 * MS, 3_500 * MS, 7_500 * MS}) {
      pingTo(s.poll(round), "udp:a"); // discovery, unanswered
    }
    s.onAuthenticated("udp:a", 8 * S);
    assertTrue(s.poll(8 * S).probes().isEmpty(), "the ping of 7.5 s is still in flight to it");
    s.poll(12_500 * MS); // that ping expires
    s.onAuthenticated("udp:a", 12_600 * MS);
    assertEquals(1, s.poll(12_600 * MS).probes().size(), "heard from, nothing in flight: pinged");
  }

  @Test
  void noCandidateIsPingedTwiceWithinHalfASecondWhateverAsksForIt() {
    FakeNetwork net = FakeNetwork.started(43, List.of("udp:a"), WITH_RELAY, 0);
    net.peerSendsFrom("udp:learned", 100 * MS, 300 * MS, 100 * MS);
    net.runUntil(2 * S);
    assertEquals(List.of(100 * MS, 1_500 * MS), net.pingTimes("udp:learned", 0, 2 * S),
        "learned at 0.1 s and pinged; the round of 0.5 s skips it, the one of 1.5 s does not");
  }

  @Test
  void relaySourcesNeverBecomeDirectCandidates() {
    PathSelector<String> s = upWithA(44);
    long txid = pingTo(s.poll(0), "udp:a");
    s.onAuthenticated(RELAY, 1 * MS);
    s.onAuthenticated("relay:elsewhere", 1 * MS);
    assertEquals(Optional.empty(), s.onPong(txid, RELAY, 2 * MS), "a pong through the relay confirms no direct path");
    assertEquals(List.of("udp:a"), addresses(s, 2 * MS));
    assertEquals(1, s.stats().pongsFromOtherAddress());
    assertEquals(WITH_RELAY, s.current(2 * MS));
  }

  // ---- without a relay, handshakes ----

  @Test
  void withoutARelayCurrentIsTheDirectCandidateHeardFromMostRecentlyElseTheFirstListed() {
    PathSelector<String> s = selector(18);
    assertEquals(Optional.empty(), s.current(0), "nothing known");
    s.setCandidates(List.of("udp:a", "udp:b"), Optional.empty(), 0);
    assertEquals(Optional.of("udp:a"), s.current(0), "first listed");
    s.onAuthenticated("udp:b", 1 * S);
    assertEquals(Optional.of("udp:b"), s.current(1 * S));
    s.onAuthenticated("udp:c", 2 * S);
    assertEquals(Optional.of("udp:c"), s.current(2 * S), "a learned source is a guess too");
    s.onAuthenticated("udp:a", 3 * S);
    assertEquals(Optional.of("udp:a"), s.current(3 * S));
    assertEquals(List.of("udp:a", "udp:c", "udp:b"), s.handshakePaths(3 * S), "most recently heard from first");
  }

  @Test
  void handshakesGoToTheConfirmedPathElseToTheRelayAndTheCandidatesUpToTheCap() {
    PathSelector<String> s = selector(19);
    List<String> many = IntStream.range(0, 12).mapToObj(i -> "udp:" + i).toList();
    s.setCandidates(many, WITH_RELAY, 0);
    s.onAuthenticated("udp:9", 0);
    List<String> paths = s.handshakePaths(0);
    assertEquals(PathDefaults.MAX_HANDSHAKE_PATHS, paths.size());
    assertEquals(List.of(RELAY, "udp:9", "udp:0", "udp:1", "udp:2", "udp:3", "udp:4", "udp:5"), paths);
    s.sessionUp(true, 0);
    long txid = pingTo(s.poll(0), "udp:3");
    s.onPong(txid, "udp:3", 5 * MS);
    assertEquals(List.of("udp:3"), s.handshakePaths(5 * MS));
  }

  // ---- candidates and limits ----

  @Test
  void atMostSixteenCandidatesAreTrackedAndTheOldestLearnedAreForgottenFirstButNeverTheChosenOne() {
    PathSelector<String> s = selector(20);
    s.setCandidates(List.of("udp:l0", "udp:l1", "udp:l2"), WITH_RELAY, 0);
    s.sessionUp(true, 0);
    s.poll(0);
    s.onAuthenticated("udp:m0", 1 * S);
    long txid = pingTo(s.poll(1 * S), "udp:m0");
    s.onPong(txid, "udp:m0", 1 * S + 5 * MS);
    for (int i = 1; i < 20; i++) {
      s.onAuthenticated("udp:m" + i, 2 * S + i * MS);
    }
    List<String> expected = new ArrayList<>(List.of("udp:l0", "udp:l1", "udp:l2", "udp:m0"));
    IntStream.range(8, 20).forEach(i -> expected.add("udp:m" + i));
    assertEquals(expected, addresses(s, 3 * S));
    assertEquals(PathDefaults.MAX_CANDIDATES, expected.size());
    assertEquals(Optional.of("udp:m0"), s.current(3 * S));
    assertEquals(20, s.stats().candidatesLearned());
    assertEquals(7, s.stats().candidatesDropped());
  }

  @Test
  void listedCandidatesBeyondTheCapAreNotTracked() {
    PathSelector<String> s = selector(21);
    List<String> listed = IntStream.range(0, 20).mapToObj(i -> "udp:" + i).toList();
    s.setCandidates(listed, WITH_RELAY, 0);
    assertEquals(listed.subList(0, PathDefaults.MAX_CANDIDATES), addresses(s, 0));
    assertEquals(4, s.stats().candidatesDropped());
    s.onAuthenticated("udp:new", 1 * S);
    assertFalse(addresses(s, 1 * S).contains("udp:new"), "no learned one to forget: the new source is not tracked");
    assertEquals(5, s.stats().candidatesDropped());
  }

  @Test
  void aFullPeerMapDoesNotPushOutTheLearnedPathInUse() {
    PathSelector<String> s = upWithA(45);
    s.poll(0);
    s.onAuthenticated("udp:mapped", 1 * S);
    s.onAuthenticated("udp:other", 1 * S);
    s.onPong(pingTo(s.poll(1 * S), "udp:mapped"), "udp:mapped", 1 * S + 5 * MS);
    List<String> listed = IntStream.range(0, 20).mapToObj(i -> "udp:" + i).toList();
    s.setCandidates(listed, WITH_RELAY, 2 * S);
    List<String> expected = new ArrayList<>(listed.subList(0, PathDefaults.MAX_CANDIDATES - 1));
    expected.add("udp:mapped");
    assertEquals(expected, addresses(s, 2 * S));
    assertEquals(Optional.of("udp:mapped"), s.current(2 * S));
    assertEquals(6, s.stats().candidatesDropped(), "five listed, and the learned one not in use");
  }

  @Test
  void aNewPeerMapKeepsWhatWasLearnedAboutAddressesThatStayAndForgetsListedOnesThatGo() {
    FakeNetwork net = FakeNetwork.started(22, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20).answers("udp:c", 5);
    net.peerSendsFrom("udp:learned", 1 * S, 2 * S, 1 * S);
    net.runUntil(10 * S);
    assertEquals(Optional.of("udp:a"), net.current());
    net.selector.setCandidates(List.of("udp:a", "udp:c"), WITH_RELAY, 10 * S);
    assertEquals(new PathStatus<>("udp:a", true, false, true, 20 * MS), status(net.selector, "udp:a", 10 * S),
        "still live, same SRTT");
    assertEquals(List.of("udp:a", "udp:c", "udp:learned"), addresses(net.selector, 10 * S));
    net.runUntil(11 * S);
    assertEquals(List.of(10 * S), net.pingTimes("udp:c", 0, 11 * S), "a new candidate is pinged at once");
    assertEquals(Optional.of("udp:c"), net.current(), "and is clearly faster");
    net.selector.setCandidates(List.of("udp:a"), WITH_RELAY, 12 * S);
    assertEquals(List.of("udp:a", "udp:learned"), addresses(net.selector, 12 * S));
    assertEquals(Optional.of("udp:a"), net.selector.current(12 * S), "the chosen path went: the best live one remains");
    net.selector.setCandidates(List.of(), WITH_RELAY, 13 * S);
    assertEquals(List.of("udp:learned"), addresses(net.selector, 13 * S), "learned addresses are not the peer map's");
    assertEquals(WITH_RELAY, net.selector.current(13 * S));
  }

  // ---- what is ignored ----

  @Test
  void unknownAndDuplicatePongsAreIgnoredAndCounted() {
    PathSelector<String> s = upWithA(23);
    long txid = pingTo(s.poll(0), "udp:a");
    assertEquals(Optional.empty(), s.onPong(txid ^ 1, "udp:a", 1 * MS));
    assertEquals(WITH_RELAY, s.current(1 * MS), "a pong for no ping of ours confirms nothing");
    assertEquals(1, s.stats().pongsIgnored());
    assertEquals(Optional.of("udp:a"), s.onPong(txid, "udp:a", 2 * MS));
    assertEquals(Optional.empty(), s.onPong(txid, "udp:a", 3 * MS));
    assertEquals(2, s.stats().pongsIgnored());
  }

  @Test
  void pongsThatArriveAfterTheirPingExpiredAreIgnored() {
    FakeNetwork net = FakeNetwork.started(24, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 6_000);
    net.runUntil(60 * S);
    assertEquals(List.of(new Change(0, WITH_RELAY)), net.changes);
    assertFalse(status(net.selector, "udp:a", net.now()).live());
    assertEquals(net.selector.stats().pingsSent() - 1, net.selector.stats().pongsIgnored(),
        "every pong but the last one's came 6 s after its ping, 1 s too late (the last is still under way)");
  }

  @Test
  void aPongForAPingToACandidateSinceForgottenIsIgnored() {
    PathSelector<String> s = upWithA(25);
    long txid = pingTo(s.poll(0), "udp:a");
    s.setCandidates(List.of(), WITH_RELAY, 1 * MS);
    assertEquals(Optional.empty(), s.onPong(txid, "udp:a", 2 * MS));
    assertEquals(WITH_RELAY, s.current(2 * MS));
    assertEquals(1, s.stats().pongsIgnored());
  }

  // ---- session ----

  @Test
  void withoutASessionNothingIsPingedAndNoPathIsConfirmed() {
    FakeNetwork net = FakeNetwork.started(26, List.of("udp:a"), WITH_RELAY, 0).answers("udp:a", 20);
    net.at(30 * S, () -> net.selector.sessionUp(false, net.now()));
    net.at(300 * S, () -> net.selector.sessionUp(true, net.now()));
    net.runUntil(299 * S);
    assertEquals(30 * S, net.firstChangeTo(RELAY, 1 * S), "nothing can confirm the path any more");
    assertTrue(net.pingTimes("udp:a", 30 * S, 299 * S).isEmpty(), "no probe without a session");
    assertEquals(PathSelector.NONE, net.selector.poll(net.now()).nextDeadline());
    assertEquals(List.of(RELAY, "udp:a"), net.selector.handshakePaths(net.now()));
    assertEquals(20 * MS, status(net.selector, "udp:a", net.now()).srttNanos(), "the RTT is kept");
    net.runUntil(400 * S);
    assertEquals(300 * S + 20 * MS, net.firstChangeTo("udp:a", 300 * S), "a new session: discovery again");
  }

  @Test
  void aSessionThatNeverComesUpSendsNoProbe() {
    FakeNetwork net = new FakeNetwork(27).answers("udp:a", 20);
    net.selector.setCandidates(List.of("udp:a"), WITH_RELAY, 0);
    net.peerSendsFrom("udp:b", 1 * S, 10 * S, 1 * S);
    net.runUntil(100 * S);
    assertTrue(net.pings.isEmpty());
    assertEquals(WITH_RELAY, net.current());
    assertEquals(List.of("udp:a", "udp:b"), addresses(net.selector, net.now()), "still learns sources");
  }

  // ---- bad input, determinism ----

  @Test
  void timeThatGoesBackwardsIsRefused() {
    PathSelector<String> s = selector(28);
    s.poll(10 * S);
    assertThrows(IllegalArgumentException.class, () -> s.poll(9 * S));
    assertThrows(IllegalArgumentException.class, () -> s.onAuthenticated("udp:a", 9 * S));
    assertThrows(IllegalArgumentException.class, () -> s.onDataSent(9 * S));
  }

  @Test
  void aPeerMapThatMixesUpRelayAndDirectAddressesIsRefusedAndChangesNothing() {
    PathSelector<String> s = selector(29);
    s.setCandidates(List.of("udp:a"), WITH_RELAY, 0);
    assertThrows(IllegalArgumentException.class, () -> s.setCandidates(List.of("udp:b", RELAY), WITH_RELAY, 1));
    assertThrows(IllegalArgumentException.class, () -> s.setCandidates(List.of("udp:b"), Optional.of("udp:c"), 1));
    assertEquals(List.of("udp:a"), addresses(s, 1));
    assertEquals(WITH_RELAY, s.current(1));
  }

  @Test
  void theSameSeedGivesTheSamePingsAndTransactionIdsAreUnique() {
    List<FakeNetwork.Sent> first = jitteredRun(30);
    assertEquals(first, jitteredRun(30));
    assertNotEquals(first, jitteredRun(31));
    Set<Long> txids = new HashSet<>();
    first.forEach(p -> txids.add(p.txid()));
    assertEquals(first.size(), txids.size());
    assertTrue(first.size() > 20);
  }

  private static List<FakeNetwork.Sent> jitteredRun(long seed) {
    FakeNetwork net = FakeNetwork.started(seed, List.of("udp:a", "udp:b"), WITH_RELAY, 0).answers("udp:b", 15);
    return net.runUntil(300 * S).pings;
  }
}
