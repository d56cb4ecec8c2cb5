package com.oversoc.mesh.protocol.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void delaysDoubleWithinHalfToFullOfTheirNominalValueUpToTheCap() {
    ReconnectBackoff b = new ReconnectBackoff(new SplittableRandom(1));
    long nominal = ReconnectBackoff.INITIAL_DELAY.toNanos();
    for (int i = 0; i < 14; i++) {
      long d = b.nextDelay(0).toNanos();
      long expected = Math.min(nominal, ReconnectBackoff.MAX_DELAY.toNanos());
      assertTrue(d >= expected / 2 && d <= expected, "attempt " + i + ": " + d + " within [" + expected / 2 + ", " + expected + "]");
      nominal *= 2;
    }
    assertEquals(14, b.failures());
  }

  @Test
  void jitterSpreadsClientsThatLostTheSameRelay() {
    Set<Duration> firstDelays = new HashSet<>();
    for (int client = 0; client < 50; client++) {
      firstDelays.add(new ReconnectBackoff(new SplittableRandom(client)).nextDelay(0));
    }
    assertTrue(firstDelays.size() > 40, "50 clients picked " + firstDelays.size() + " distinct delays");
  }

  @Test
  void onlyAConnectionThatStayedUpResetsTheBackoff() {
    ReconnectBackoff b = new ReconnectBackoff(new SplittableRandom(2));
    for (int i = 0; i < 5; i++) {
      b.nextDelay(0);
    }
    // Admitted, then dropped after one second: a flapping relay does not earn a reset.
    b.onAdmitted(10 * SECOND);
    b.nextDelay(11 * SECOND);
    assertEquals(6, b.failures());
    // Admitted and up for longer than STABLE_CONNECTION: back to the initial delay.
    b.onAdmitted(20 * SECOND);
    Duration d = b.nextDelay(20 * SECOND + ReconnectBackoff.STABLE_CONNECTION.toNanos());
    assertTrue(d.compareTo(ReconnectBackoff.INITIAL_DELAY) <= 0, d.toString());
    assertEquals(1, b.failures());
  }

  @Test
  void serverRestartingMovesTheFirstAttemptAndRetriesQuicklyInsideTheWindow() {
    ReconnectBackoff b = new ReconnectBackoff(new SplittableRandom(3));
    for (int i = 0; i < 10; i++) {
      b.nextDelay(0); // a long backoff had built up
    }
    long now = 100 * SECOND;
    b.onServerRestarting(Duration.ofSeconds(4), Duration.ofSeconds(20), now);
    Duration first = b.nextDelay(now);
    assertTrue(first.compareTo(Duration.ofSeconds(4)) >= 0 && first.compareTo(Duration.ofSeconds(6)) <= 0, first.toString());
    long t = now + first.toNanos();
    for (int i = 0; i < 10; i++) {
      Duration d = b.nextDelay(t);
      assertTrue(d.compareTo(ReconnectBackoff.RESTART_RETRY_CAP) <= 0, "inside the window: " + d);
      t += d.toNanos();
    }
    // After the window, delays grow again towards MAX_DELAY.
    t = now + 60 * SECOND;
    Duration later = Duration.ZERO;
    for (int i = 0; i < 10; i++) {
      later = b.nextDelay(t);
    }
    assertTrue(later.compareTo(ReconnectBackoff.RESTART_RETRY_CAP) > 0, later.toString());
  }

  @Test
  void aScheduleSetsTheFirstDelayTheCapAndWhatCountsAsStable() {
    ReconnectBackoff.Schedule quick =
        new ReconnectBackoff.Schedule(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(1));
    ReconnectBackoff b = new ReconnectBackoff(quick, new SplittableRandom(4));
    Duration first = b.nextDelay(0);
    assertTrue(first.compareTo(Duration.ofMillis(10)) >= 0 && first.compareTo(Duration.ofMillis(20)) <= 0, first.toString());
    Duration last = Duration.ZERO;
    for (int i = 0; i < 10; i++) {
      last = b.nextDelay(0);
    }
    assertTrue(last.compareTo(Duration.ofMillis(100)) >= 0 && last.compareTo(Duration.ofMillis(200)) <= 0, last.toString());
    b.onAdmitted(0);
    b.nextDelay(SECOND); // one second is stable for this schedule, not for the default one
    assertEquals(1, b.failures());
  }

  @Test
  void aScheduleThatMakesNoSenseIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReconnectBackoff.Schedule(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(e.getMessage().contains("0 < initial <= max"), e.getMessage());
  }
}
