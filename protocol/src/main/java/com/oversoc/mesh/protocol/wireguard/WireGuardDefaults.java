package com.oversoc.mesh.protocol.wireguard;

import java.time.Duration;

/**
 * Implementation constants: sizes and limits the specification leaves to the implementation,
 * chosen as wireguard-go chooses them unless a comment says otherwise.
 */
public final class WireGuardDefaults {
  private WireGuardDefaults() {}

  /** Upper bound (exclusive) of the random extra delay added to REKEY_TIMEOUT, in milliseconds. */
  public static final int REKEY_TIMEOUT_JITTER_MAX_MS = 334;
  /** Packets kept per peer while it has no session; the oldest is dropped beyond this. */
  public static final int STAGED_PACKETS = 128;
  /**
   * The device is under load (and answers initiations without a valid mac2 with a cookie reply)
   * while this many handshake messages wait to be processed: wireguard-go's 1024-message
   * handshake queue divided by 8.
   */
  public static final int UNDER_LOAD_BACKLOG = 128;
  /** The device stays under load this long after the backlog last crossed the threshold. */
  public static final Duration UNDER_LOAD_AFTER = Duration.ofSeconds(1);
  /** Under load, handshake messages accepted per second per source address. */
  public static final int HANDSHAKES_PER_SECOND_PER_SOURCE = 20;
  /** Under load, handshake messages a source may send at once after a quiet period. */
  public static final int HANDSHAKE_BURST_PER_SOURCE = 5;
  /** Per-source rate limiter entries idle for this long are forgotten. */
  public static final Duration RATE_LIMITER_ENTRY_IDLE = Duration.ofSeconds(1);
  /** Most sources the rate limiter tracks at once; beyond it, unknown sources are refused under load. */
  public static final int RATE_LIMITER_MAX_SOURCES = 65_536;
}
