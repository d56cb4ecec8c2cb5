package com.oversoc.mesh.protocol.transport.range;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** RangeSet against the obvious model (a set of longs) under random adds and removes. */
class RangeSetPropertiesTest {
  record Op(boolean add, long start, long end) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Long> starts = Arbitraries.longs().between(0, 200);
    Arbitrary<Long> lengths = Arbitraries.longs().between(0, 20);
    return Combinators.combine(Arbitraries.of(true, true, false), starts, lengths)
        .as((add, s, n) -> new Op(add, s, s + n)).list().ofMaxSize(60);
  }

  @Property(tries = 500)
  void behavesLikeASetOfLongs(@ForAll("ops") List<Op> ops) {
    RangeSet set = new RangeSet();
    TreeSet<Long> model = new TreeSet<>();
    for (Op op : ops) {
      if (op.add()) {
        set.add(op.start(), op.end());
        for (long v = op.start(); v < op.end(); v++) {
          model.add(v);
        }
      } else {
        set.remove(op.start(), op.end());
        model.subSet(op.start(), op.end()).clear();
      }
      checkInvariants(set);
    }
    for (long v = 0; v < 230; v++) {
      assertEquals(model.contains(v), set.contains(v), "value " + v + " in " + set);
    }
    assertEquals(model.size(), set.cardinality());
    List<Long> gaps = new ArrayList<>();
    set.forEachGap(0, 230, (s, e) -> {
      for (long v = s; v < e; v++) {
        gaps.add(v);
      }
    });
    for (long v : gaps) {
      assertTrue(!model.contains(v));
    }
    assertEquals(230 - model.headSet(230L).size(), gaps.size());
  }

  private static void checkInvariants(RangeSet set) {
    for (int i = 0; i < set.rangeCount(); i++) {
      assertTrue(set.start(i) < set.end(i), "empty interval in " + set);
      if (i > 0) {
        assertTrue(set.end(i - 1) < set.start(i), "intervals touch or overlap in " + set);
      }
    }
  }

  @Test
  void keepHighestDropsTheOldestIntervals() {
    RangeSet set = new RangeSet();
    for (int i = 0; i < 10; i++) {
      set.add(i * 10L, i * 10L + 5);
    }
    set.keepHighest(3);
    assertEquals(3, set.rangeCount());
    assertEquals(70, set.min());
    assertEquals(95, set.maxExclusive());
    assertEquals(75, set.contiguousEndFrom(70));
    assertEquals(76, set.contiguousEndFrom(76));
  }
}
