package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.control.pb.ControlError;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClockSkewTest {
  static final Instant SERVER = Instant.parse("2026-06-01T12:00:00Z");
  static final Duration MAX = Duration.ofMinutes(5);

  @Test
  void clocksWithinTheLimitPass() throws Exception {
    ClockSkew.check(SERVER, SERVER, MAX);
    ClockSkew.check(SERVER.plus(MAX), SERVER, MAX);
    ClockSkew.check(SERVER.minus(MAX), SERVER, MAX);
  }

  @Test
  void aClockAheadOrBehindIsAnExplicitError() {
    ControlException ahead = assertThrows(ControlException.class,
        () -> ClockSkew.check(SERVER.plus(Duration.ofMinutes(7)), SERVER, MAX));
    assertEquals(ControlError.Code.CLOCK_SKEW, ahead.code());
    assertTrue(ahead.getMessage().startsWith("the node's clock is 7m0s ahead of the coordinator's"), ahead.getMessage());
    ControlException behind = assertThrows(ControlException.class,
        () -> ClockSkew.check(SERVER.minus(Duration.ofHours(3)), SERVER, MAX));
    assertTrue(behind.getMessage().contains("3h0m behind"), behind.getMessage());
    assertTrue(behind.getMessage().contains("fix the node's time (NTP)"), behind.getMessage());
    ControlException justOver = assertThrows(ControlException.class,
        () -> ClockSkew.check(SERVER.plus(MAX).plusMillis(1), SERVER, MAX));
    assertEquals(ControlError.Code.CLOCK_SKEW, justOver.code());
  }
}
