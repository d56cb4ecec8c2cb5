package com.oversoc.mesh.protocol.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void monotonicAndWallTimeMoveTogetherAndNeverBack() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-03T00:00:00Z"));
    clock.advance(Duration.ofSeconds(120));
    assertEquals(120_000_000_000L, clock.nanos());
    assertEquals(Instant.parse("2026-12-03T00:02:00Z"), clock.instant());
    clock.advanceTo(1L);
    assertEquals(120_000_000_000L, clock.nanos());
    assertThrows(IllegalArgumentException.class, () -> clock.advanceNanos(-1));
  }
}
