package com.oversoc.mesh.protocol.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  private static final long LIMIT = WireGuardSpec.REJECT_AFTER_MESSAGES;

  @Test
  void theWindowIs8128Counters() {
    assertEquals(8128, ReplayWindow.WINDOW_SIZE);
  }

  @Test
  void counterJustBelowRejectAfterMessagesIsAcceptedAndTheLimitItselfIsNot() {
    ReplayWindow w = new ReplayWindow();
    assertFalse(w.mayAccept(LIMIT, LIMIT));
    assertFalse(w.accept(LIMIT, LIMIT));
    assertFalse(w.accept(-1L, LIMIT), "2^64-1 is above the limit (unsigned)");
    assertTrue(w.mayAccept(LIMIT - 1, LIMIT));
    assertTrue(w.accept(LIMIT - 1, LIMIT));
    assertFalse(w.accept(LIMIT - 1, LIMIT), "once only");
    assertTrue(w.accept(LIMIT - 2, LIMIT), "just behind the newest is inside the window");
  }

  @Test
  void duplicatesAreRejected() {
    ReplayWindow w = new ReplayWindow();
    assertTrue(w.accept(0, LIMIT));
    assertFalse(w.accept(0, LIMIT));
    assertTrue(w.accept(1, LIMIT));
    assertFalse(w.mayAccept(1, LIMIT));
    assertFalse(w.accept(1, LIMIT));
  }

  @Test
  void reorderingInsideTheWindowIsAcceptedOnceEach() {
    ReplayWindow w = new ReplayWindow();
    assertTrue(w.accept(10_000, LIMIT));
    for (long c = 10_000 - ReplayWindow.WINDOW_SIZE; c < 10_000; c++) {
      assertTrue(w.accept(c, LIMIT), "counter " + c);
    }
    for (long c = 10_000 - ReplayWindow.WINDOW_SIZE; c <= 10_000; c++) {
      assertFalse(w.accept(c, LIMIT), "replayed counter " + c);
    }
  }

  @Test
  void countersBehindTheWindowAreRejected() {
    ReplayWindow w = new ReplayWindow();
    assertTrue(w.accept(20_000, LIMIT));
    assertTrue(w.mayAccept(20_000 - ReplayWindow.WINDOW_SIZE, LIMIT), "the window's far edge");
    assertFalse(w.mayAccept(20_000 - ReplayWindow.WINDOW_SIZE - 1, LIMIT));
    assertFalse(w.accept(20_000 - ReplayWindow.WINDOW_SIZE - 1, LIMIT));
    assertFalse(w.accept(0, LIMIT));
  }

  @Test
  void aJumpFartherThanTheRingForgetsEverythingBehindIt() {
    ReplayWindow w = new ReplayWindow();
    for (long c = 0; c < 200; c++) {
      assertTrue(w.accept(c, LIMIT));
    }
    long far = 1_000_000;
    assertTrue(w.accept(far, LIMIT));
    // Every counter inside the new window is fresh, even those whose ring slots held old bits.
    for (long c = far - ReplayWindow.WINDOW_SIZE; c < far; c += 7) {
      assertTrue(w.accept(c, LIMIT), "counter " + c);
    }
  }

  @Test
  void mayAcceptChangesNothing() {
    ReplayWindow w = new ReplayWindow();
    assertTrue(w.accept(5, LIMIT));
    for (int i = 0; i < 3; i++) {
      assertTrue(w.mayAccept(100_000, LIMIT));
    }
    assertTrue(w.accept(6, LIMIT), "the window did not move to 100000");
  }

  /** Against a model: accepted iff below the limit, not seen, and not more than 8128 behind the newest seen. */
  @Property(tries = 300)
  void agreesWithASetModel(@ForAll @Size(min = 1, max = 400) java.util.List<@IntRange(min = 0, max = 30_000) Integer> counters,
      @ForAll @LongRange(min = 0, max = 1L << 40) long base) {
    ReplayWindow w = new ReplayWindow();
    Set<Long> seen = new HashSet<>();
    long newest = -1;
    for (int offset : counters) {
      long c = base + offset;
      boolean expected = !seen.contains(c) && (newest < 0 || c > newest || newest - c <= ReplayWindow.WINDOW_SIZE);
      assertEquals(expected, w.mayAccept(c, LIMIT), "mayAccept " + c);
      assertEquals(expected, w.accept(c, LIMIT), "accept " + c);
      if (expected) {
        seen.add(c);
        newest = Math.max(newest, c);
      }
    }
  }

  @Test
  void manyRandomInOrderAndReorderedCounters() {
    Random r = new Random(7);
    ReplayWindow w = new ReplayWindow();
    long c = 0;
    int accepted = 0;
    for (int i = 0; i < 100_000; i++) {
      c += 1 + r.nextInt(3);
      long reordered = Math.max(0, c - r.nextInt(100));
      if (w.accept(reordered, LIMIT)) {
        accepted++;
      }
    }
    assertTrue(accepted > 40_000, "accepted " + accepted);
  }
}
