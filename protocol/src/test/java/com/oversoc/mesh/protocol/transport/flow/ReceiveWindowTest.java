package com.oversoc.mesh.protocol.transport.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReceiveWindowTest {
  static final long RTT = 50_000_000L;

  @Test
  void creditIsEnforcedAndReadvertisedAfterHalfTheWindowIsConsumed() {
    ReceiveWindow w = new ReceiveWindow(1000, 8000);
    assertTrue(w.allows(1000));
    assertFalse(w.allows(1001));
    assertEquals(1000, w.onReceived(1000));
    assertEquals(0, w.onReceived(600), "old offsets do not count twice");
    w.onConsumed(400);
    assertFalse(w.updateWanted());
    w.onConsumed(100);
    assertTrue(w.updateWanted());
    assertEquals(1500, w.advance(0, RTT));
  }

  @Test
  void theWindowDoublesWhenUpdatesComeWithinTwoRttsAndStopsAtTheCap() {
    ReceiveWindow w = new ReceiveWindow(1000, 3000);
    long now = 0;
    w.onConsumed(500);
    w.advance(now, RTT);
    assertEquals(1000, w.window(), "the first update has nothing to compare with");
    w.onConsumed(500);
    w.advance(now += RTT, RTT);
    assertEquals(2000, w.window());
    w.onConsumed(1000);
    w.advance(now += RTT, RTT);
    assertEquals(3000, w.window(), "capped");
    w.onConsumed(1500);
    w.advance(now += 10 * RTT, RTT);
    assertEquals(3000, w.window());
    assertEquals(w.consumed() + 3000, w.advertised());
  }

  @Test
  void aSlowReaderKeepsTheWindowSmall() {
    ReceiveWindow w = new ReceiveWindow(1000, 1_000_000);
    for (int i = 1; i <= 10; i++) {
      w.onConsumed(500);
      w.advance(i * 10 * RTT, RTT);
    }
    assertEquals(1000, w.window());
  }
}
