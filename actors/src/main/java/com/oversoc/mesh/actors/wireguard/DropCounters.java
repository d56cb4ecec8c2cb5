package com.oversoc.mesh.actors.wireguard;

import com.oversoc.mesh.protocol.wireguard.DropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Drops by reason, counted from any thread (the router, the handshake worker, the sessions). */
public final class DropCounters {
  private final EnumMap<DropReason, LongAdder> counts = new EnumMap<>(DropReason.class);

  public DropCounters() {
    for (DropReason r : DropReason.values()) {
      counts.put(r, new LongAdder());
    }
  }

  public void count(DropReason reason) {
    counts.get(reason).increment();
  }

  public long get(DropReason reason) {
    return counts.get(reason).sum();
  }

  /** The reasons counted so far, with their counts. */
  public Map<DropReason, Long> snapshot() {
    EnumMap<DropReason, Long> out = new EnumMap<>(DropReason.class);
    counts.forEach((r, c) -> {
      long n = c.sum();
      if (n > 0) {
        out.put(r, n);
      }
    });
    return out;
  }
}
