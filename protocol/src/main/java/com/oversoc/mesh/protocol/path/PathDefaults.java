package com.oversoc.mesh.protocol.path;

import java.time.Duration;
import java.util.List;

/**
 * The path selector's timers and limits. Only this node depends on them (a peer answers pings
 * statelessly whatever its own values), so they are implementation choices, not protocol.
 *
 * <pre>
 *  when                               pings                          constants
 *  session up, no direct path live    every candidate at 0, +0.5,    DISCOVERY_RETRY_GAPS
 *                                     +1, +2, +4 s (gaps)
 *  afterwards, forever                every candidate not live,      UPGRADE_INTERVAL,
 *                                     every 18..20 s                 UPGRADE_JITTER
 *  a direct path is live              heartbeat every 2 s while data HEARTBEAT_ACTIVE, ACTIVE_AFTER_DATA,
 *                                     was sent in the last 10 s,     HEARTBEAT_IDLE
 *                                     else every 25 s
 *  an unknown source is heard from    that source, at once           MIN_PING_INTERVAL
 * </pre>
 */
public final class PathDefaults {
  private PathDefaults() {}

  /**
   * After the pings sent when a session comes up (or when the current direct path dies), every
   * candidate is pinged again after each of these gaps while no direct path is live: 0, 0.5, 1.5,
   * 3.5 and 7.5 s after the start. A doubling back-off: quick enough to hole-punch while the
   * peer's own first pings open its NAT, without a burst against a path that stays blocked.
   */
  public static final List<Duration> DISCOVERY_RETRY_GAPS =
      List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));

  /**
   * After discovery, every candidate that is not live is pinged again this often (minus jitter),
   * so that a path that starts to work (UDP unblocked, a NAT mapping opened by the peer) is found
   * within one interval: well within the 60 s the product promises, even if one try is lost.
   */
  public static final Duration UPGRADE_INTERVAL = Duration.ofSeconds(20);

  /**
   * Up to 10% of UPGRADE_INTERVAL is taken off each interval at random, so that the peers of a
   * node (and the two ends of a pair) do not probe in lock-step. Taken off, not added, so that the
   * interval is a bound.
   */
  public static final Duration UPGRADE_JITTER = UPGRADE_INTERVAL.dividedBy(10);

  /** A live direct path is pinged this often while data flows: what makes a dead one noticed within seconds. */
  public static final Duration HEARTBEAT_ACTIVE = Duration.ofSeconds(2);

  /**
   * A live direct path is pinged this often while no data flows: under the 30 s after which many
   * NATs and stateful firewalls forget an idle UDP mapping (WireGuard's usual persistent
   * keepalive, for the same reason).
   */
  public static final Duration HEARTBEAT_IDLE = Duration.ofSeconds(25);

  /** Data flows while {@code onDataSent} was called less than this long ago (WireGuard's KEEPALIVE_TIMEOUT). */
  public static final Duration ACTIVE_AFTER_DATA = Duration.ofSeconds(10);

  /** A live direct path whose last this many pings went unanswered is dead. */
  public static final int MAX_MISSED_HEARTBEATS = 3;

  /**
   * While data flows, a live direct path without a pong for this long is dead: three heartbeats
   * of HEARTBEAT_ACTIVE and half a second for the last one's round trip. Counted from the start
   * of the data flow when the last pong is older, so a path that went quiet while idle gets its
   * first active heartbeat before it is judged.
   */
  public static final Duration ACTIVE_SILENCE_TIMEOUT = Duration.ofMillis(6_500);

  /**
   * An unanswered ping is forgotten after this long and counts as missed; a later pong for it is
   * ignored. Far above any round trip a usable direct path has, and above HEARTBEAT_ACTIVE so
   * that heartbeats overlap rather than race their own timeout.
   */
  public static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

  /**
   * No candidate is pinged more often than this, whatever asks for it (discovery, a source heard
   * from, a heartbeat). Bounds the pings in flight to MAX_CANDIDATES x PING_TIMEOUT / this = 160.
   */
  public static final Duration MIN_PING_INTERVAL = DISCOVERY_RETRY_GAPS.get(0);

  /**
   * RTT smoothing as RFC 6298 SRTT: {@code srtt += (sample - srtt) / 8}, alpha = 1/8. The first
   * sample is taken as it is.
   */
  public static final int SRTT_ALPHA_DENOMINATOR = 8;

  /** A live direct path replaces the current one only if its SRTT is at least this many percent lower ... */
  public static final int SWITCH_MIN_GAIN_PERCENT = 20;

  /** ... and at least this much lower: together, a hysteresis that keeps two similar paths from flapping. */
  public static final Duration SWITCH_MIN_GAIN = Duration.ofMillis(5);

  /**
   * Direct candidates tracked per peer, listed (from the peer map, first ones kept) and learned
   * (sources heard from, oldest forgotten first) together. A peer has a handful of addresses; the
   * cap bounds the work and the pings an odd peer map or a NAT that rebinds often can cause.
   */
  public static final int MAX_CANDIDATES = 16;

  /**
   * A handshake initiation with no confirmed path goes to at most this many paths: the relay
   * and the most promising direct candidates. Eight 148-byte initiations are about 1.2 KB.
   */
  public static final int MAX_HANDSHAKE_PATHS = 8;
}
