package com.oversoc.mesh.protocol.netcheck;

import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.HOME_SWITCH_MIN_GAIN;
import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.HOME_SWITCH_MIN_GAIN_PERCENT;

import com.oversoc.mesh.protocol.netcheck.Report.Home;
import com.oversoc.mesh.protocol.netcheck.Report.RegionResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The choice of a home region from one round's latencies and the current home. The lowest
 * latency wins, but a current home that still answers is replaced only by a region that is
 * better by both {@link NetcheckDefaults#HOME_SWITCH_MIN_GAIN_PERCENT} and
 * {@link NetcheckDefaults#HOME_SWITCH_MIN_GAIN}: moving the home makes every peer reach this node
 * through another relay, which a noisy sample must not cause.
 */
public final class HomeSelection {
  private HomeSelection() {}

  /**
   * @param regions the relay map's regions, in map order (ties go to the earlier one)
   * @param results this round's result of each region, same order
   * @param current the home before this round, if any; ignored if the map no longer has it or it
   *     has no relay server
   * @return empty only if no region has a relay server
   */
  public static Optional<Home> choose(List<Region> regions, List<RegionResult> results, OptionalInt current) {
    if (regions.size() != results.size()) {
      throw new IllegalArgumentException(regions.size() + " regions but " + results.size() + " results");
    }
    RegionResult best = null;
    RegionResult currentResult = null;
    boolean currentUsable = false;
    for (int i = 0; i < regions.size(); i++) {
      Region region = regions.get(i);
      RegionResult r = results.get(i);
      if (region.id() != r.id()) {
        throw new IllegalArgumentException("result " + i + " is of region " + r.id() + ", not " + region.id());
      }
      if (region.relayServers() == 0) {
        continue;
      }
      if (current.isPresent() && current.getAsInt() == region.id()) {
        currentUsable = true;
        currentResult = r;
      }
      if (r.latency().isPresent() && (best == null || r.latency().get().compareTo(best.latency().get()) < 0)) {
        best = r;
      }
    }
    if (best == null) {
      if (currentUsable) {
        return Optional.of(new Home(current.getAsInt(), Home.Reason.KEPT_UNMEASURED));
      }
      return regions.stream().filter(r -> r.relayServers() > 0).findFirst()
          .map(r -> new Home(r.id(), Home.Reason.FIRST_REGION));
    }
    if (!currentUsable) {
      return Optional.of(new Home(best.id(), Home.Reason.LOWEST_LATENCY));
    }
    if (currentResult.latency().isEmpty()) {
      return Optional.of(new Home(best.id(), Home.Reason.CURRENT_SILENT));
    }
    return Optional.of(clearlyBetter(best.latency().get(), currentResult.latency().get())
        ? new Home(best.id(), Home.Reason.FASTER)
        : new Home(currentResult.id(), Home.Reason.KEPT));
  }

  /** Whether {@code candidate} beats {@code current} by both margins. */
  static boolean clearlyBetter(Duration candidate, Duration current) {
    long gain = current.toNanos() - candidate.toNanos();
    return gain >= HOME_SWITCH_MIN_GAIN.toNanos()
        && gain * 100 >= current.toNanos() * HOME_SWITCH_MIN_GAIN_PERCENT;
  }
}
