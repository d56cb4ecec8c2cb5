package com.oversoc.mesh.protocol.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.oversoc.mesh.protocol.netcheck.Report.Home;
import com.oversoc.mesh.protocol.netcheck.Report.RegionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HomeSelectionTest {
  /** Regions 1, 2, 3 with one relay server each; {@code millis[i]} is region i+1's latency, negative for none. */
  private static Optional<Home> choose(OptionalInt current, long... millis) {
    List<Region> regions = new ArrayList<>();
    List<RegionResult> results = new ArrayList<>();
    for (int i = 0; i < millis.length; i++) {
      regions.add(new Region(i + 1, "r" + (i + 1), 1, List.of()));
      results.add(result(i + 1, millis[i]));
    }
    return HomeSelection.choose(regions, results, current);
  }

  private static RegionResult result(int id, long millis) {
    return new RegionResult(id, "r" + id, 3, millis < 0 ? 0 : 3,
        millis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis)), Optional.empty());
  }

  private static Optional<Home> home(int region, Home.Reason reason) {
    return Optional.of(new Home(region, reason));
  }

  @Test
  void withoutAHomeTheLowestLatencyWinsAndTiesGoToTheEarlierRegion() {
    assertEquals(home(2, Home.Reason.LOWEST_LATENCY), choose(OptionalInt.empty(), 30, 12, 40));
    assertEquals(home(1, Home.Reason.LOWEST_LATENCY), choose(OptionalInt.empty(), 12, 12, -1));
  }

  @Test
  void aRegionBetterByTwentyPercentButLessThanTenMillisecondsDoesNotReplaceTheHome() {
    assertEquals(home(1, Home.Reason.KEPT), choose(OptionalInt.of(1), 40, 31)); // 22.5%, 9 ms
  }

  @Test
  void aRegionBetterByTenMillisecondsButLessThanTwentyPercentDoesNotReplaceTheHome() {
    assertEquals(home(1, Home.Reason.KEPT), choose(OptionalInt.of(1), 100, 85)); // 15%, 15 ms
  }

  @Test
  void aRegionBetterByBothMarginsReplacesTheHomeAndTheBoundariesCount() {
    assertEquals(home(2, Home.Reason.FASTER), choose(OptionalInt.of(1), 50, 40)); // exactly 20% and 10 ms
    assertEquals(home(1, Home.Reason.KEPT), choose(OptionalInt.of(1), 50, 41));
    assertEquals(home(3, Home.Reason.FASTER), choose(OptionalInt.of(1), 80, 50, 20), "the best one, not the first");
  }

  @Test
  void aHomeThatStoppedAnsweringIsReplacedByTheFastestThatAnswers() {
    assertEquals(home(3, Home.Reason.CURRENT_SILENT), choose(OptionalInt.of(1), -1, 90, 70));
  }

  @Test
  void aHomeTheMapNoLongerHasIsReplacedByTheLowestLatency() {
    assertEquals(home(2, Home.Reason.LOWEST_LATENCY), choose(OptionalInt.of(9), 30, 29));
  }

  @Test
  void aHomeWithoutRelayServersIsNoHome() {
    List<Region> regions = List.of(new Region(1, "gone", 0, List.of()), new Region(2, "r2", 1, List.of()));
    assertEquals(home(2, Home.Reason.FIRST_REGION),
        HomeSelection.choose(regions, List.of(result(1, -1), result(2, -1)), OptionalInt.of(1)));
    assertEquals(Optional.empty(),
        HomeSelection.choose(List.of(regions.get(0)), List.of(result(1, -1)), OptionalInt.empty()));
  }

  @Test
  void withoutAnyMeasurementTheHomeIsKeptOrTheFirstRegion() {
    assertEquals(home(2, Home.Reason.KEPT_UNMEASURED), choose(OptionalInt.of(2), -1, -1));
    assertEquals(home(1, Home.Reason.FIRST_REGION), choose(OptionalInt.empty(), -1, -1));
  }

  @Test
  void resultsMustMatchTheRegions() {
    List<Region> regions = List.of(new Region(1, "r1", 1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> HomeSelection.choose(regions, List.of(), OptionalInt.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> HomeSelection.choose(regions, List.of(result(2, 5)), OptionalInt.empty()));
  }
}
