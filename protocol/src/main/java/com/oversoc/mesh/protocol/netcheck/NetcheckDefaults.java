package com.oversoc.mesh.protocol.netcheck;

import com.oversoc.mesh.protocol.stun.StunProtocol;
import java.time.Duration;

/**
 * Netcheck's timers and limits. Only this node depends on them (a relay's STUN server answers
 * each request statelessly), so they are implementation choices, not protocol.
 *
 * <pre>
 *  when                     what                                          constants
 *  round start + k x 100 ms probe k of every STUN server, k = 0, 1, 2     PROBES_PER_SERVER, PROBE_SPACING
 *  each probe               its own STUN transaction: requests at 0,      PROBE_RTO, PROBE_MAX_REQUESTS,
 *                           +0.5, +1.5, +3.5 s, gives up at +5 s           PROBE_FINAL_WAIT_RTOS
 *  round start + 5 s        the round ends, whatever is still pending     ROUND_TIMEOUT
 *  every 30 s               the next round (actors)                       ROUND_INTERVAL
 * </pre>
 */
public final class NetcheckDefaults {
  private NetcheckDefaults() {}

  /**
   * Independent probes (each its own transaction id) per STUN server and round. Several samples,
   * because the best of them is the latency: one queued behind other traffic does not count.
   */
  public static final int PROBES_PER_SERVER = 3;

  /** Probe k of a server starts k times this after the round: the samples do not share one burst. */
  public static final Duration PROBE_SPACING = Duration.ofMillis(100);

  /** A probe's initial retransmission timeout: RFC 8489's 500 ms for a path of unknown RTT. */
  public static final Duration PROBE_RTO = StunProtocol.DEFAULT_RTO;

  /** Rc of a probe: requests at 0, 0.5, 1.5 and 3.5 s, so that a lost request or answer is retried within the round. */
  public static final int PROBE_MAX_REQUESTS = 4;

  /** Rm of a probe: after its last request it waits 3 RTOs, giving up 5 s after it started. */
  public static final int PROBE_FINAL_WAIT_RTOS = 3;

  /**
   * A round ends this long after it started, or earlier once every probe has an outcome. A region
   * that never answers, or UDP blocked altogether, costs this much and no more.
   */
  public static final Duration ROUND_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Rounds run this often (and at once when the relay map changes): a NAT that rebinds, a relay
   * that goes away or a path that gets faster is seen within one interval. 30 s of a few dozen
   * 28-byte requests is nothing next to the keepalives.
   */
  public static final Duration ROUND_INTERVAL = Duration.ofSeconds(30);

  /** Another region replaces the current home only if its latency is at least this many percent lower ... */
  public static final int HOME_SWITCH_MIN_GAIN_PERCENT = 20;

  /**
   * ... and at least this much lower: together, a hysteresis that keeps a noisy sample from moving
   * the home relay (every peer then reaches this node elsewhere) between two similar regions.
   */
  public static final Duration HOME_SWITCH_MIN_GAIN = Duration.ofMillis(10);
}
