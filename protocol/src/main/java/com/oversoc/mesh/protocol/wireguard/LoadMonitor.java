package com.oversoc.mesh.protocol.wireguard;

import java.time.Duration;

/**
 * Whether the device is under load (wireguard-go's handshake queue check): it is while at least
 * {@code threshold} handshake messages wait, and for {@link WireGuardDefaults#UNDER_LOAD_AFTER}
 * after that was last seen, so the cookie mechanism does not flap. Not thread-safe: it belongs to
 * the handshake intake.
 */
public final class LoadMonitor {
  private final int threshold;
  private final long holdNanos;
  private long underLoadUntil;
  private boolean everLoaded;

  public LoadMonitor(int threshold, Duration hold) {
    if (threshold < 1) {
      throw new IllegalArgumentException("the under-load threshold is at least 1, got " + threshold);
    }
    this.threshold = threshold;
    this.holdNanos = hold.toNanos();
  }

  public LoadMonitor() {
    this(WireGuardDefaults.UNDER_LOAD_BACKLOG, WireGuardDefaults.UNDER_LOAD_AFTER);
  }

  /** Whether the device is under load at {@code now} with {@code backlog} handshake messages waiting. */
  public boolean isUnderLoad(int backlog, long now) {
    if (backlog >= threshold) {
      underLoadUntil = now + holdNanos;
      everLoaded = true;
      return true;
    }
    return everLoaded && now - underLoadUntil < 0;
  }
}
