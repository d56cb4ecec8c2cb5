package com.oversoc.mesh.protocol.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstPassesThenTheRateShapes() {
    TokenBucket b = new TokenBucket(1000, 500, 0);
    assertEquals(0, b.take(500, 0), "the whole burst at once");
    long pause = b.take(100, 0);
    assertEquals(SECOND / 10, pause, "100 tokens of debt at 1000/s is 100 ms");
    assertEquals(0, b.take(0, pause), "after the pause the debt is paid");
  }

  @Test
  void sustainedRateIsTheConfiguredRate() {
    TokenBucket b = new TokenBucket(1_000_000, 64 * 1024, 0);
    long now = 0;
    long sent = 0;
    while (now < 10 * SECOND) {
      now += b.take(1200, now);
      sent += 1200;
    }
    double rate = sent / (now / (double) SECOND);
    assertTrue(Math.abs(rate - 1_000_000) / 1_000_000 < 0.01, "rate " + rate);
  }

  @Test
  void idleTimeRefillsOnlyUpToTheBurst() {
    TokenBucket b = new TokenBucket(10, 20, 0);
    b.take(20, 0);
    assertTrue(b.tryTake(20, 100 * SECOND));
    assertFalse(b.tryTake(1, 100 * SECOND));
  }

  @Test
  void nonsenseParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
  }
}
