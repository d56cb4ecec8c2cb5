package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.relay.TokenBucket;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-source token buckets for handshake messages under load (wireguard-go {@code ratelimiter}):
 * 20 per second with bursts of 5 per source host. Only sources that proved their address with a
 * valid mac2 reach it, so spoofed floods cannot fill it; it forgets sources idle for a second and
 * never tracks more than {@link WireGuardDefaults#RATE_LIMITER_MAX_SOURCES}.
 *
 * <p>Not thread-safe: it belongs to the handshake intake.
 */
final class SourceRateLimiter {
  private static final long IDLE_NANOS = WireGuardDefaults.RATE_LIMITER_ENTRY_IDLE.toNanos();

  private static final class Entry {
    final TokenBucket bucket;
    long lastSeen;

    Entry(long now) {
      bucket = new TokenBucket(WireGuardDefaults.HANDSHAKES_PER_SECOND_PER_SOURCE,
          WireGuardDefaults.HANDSHAKE_BURST_PER_SOURCE, now);
      lastSeen = now;
    }
  }

  private final Map<Object, Entry> entries = new HashMap<>();
  private long lastSweep;

  /** Whether one more handshake message from {@code source} is allowed at {@code now}. */
  boolean allow(Object source, long now) {
    if (now - lastSweep >= IDLE_NANOS) {
      sweep(now);
    }
    Entry entry = entries.get(source);
    if (entry == null) {
      if (entries.size() >= WireGuardDefaults.RATE_LIMITER_MAX_SOURCES) {
        return false;
      }
      entry = new Entry(now);
      entries.put(source, entry);
    }
    entry.lastSeen = now;
    return entry.bucket.tryTake(1, now);
  }

  int trackedSources() {
    return entries.size();
  }

  private void sweep(long now) {
    lastSweep = now;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (now - it.next().lastSeen > IDLE_NANOS) {
        it.remove();
      }
    }
  }
}
