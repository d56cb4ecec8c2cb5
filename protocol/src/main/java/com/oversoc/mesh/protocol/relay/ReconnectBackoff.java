package com.oversoc.mesh.protocol.relay;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a relay client tries again after losing its connection or failing to connect: exponential
 * backoff with jitter, reset only by a connection that stayed up, and a fast-retry window after
 * the relay announced a restart. Pure: time comes in as monotonic nanoseconds, randomness is
 * injected. Not thread-safe; one client actor owns one instance.
 *
 * <p>Jitter is "equal jitter": each delay is half its nominal value plus a uniform random share
 * of the other half, so no client retries at once and 10,000 clients that lost the same relay
 * spread their reconnects over the whole interval.
 */
public final class ReconnectBackoff {
  /** Nominal delay after the first failure. */
  public static final Duration INITIAL_DELAY = Duration.ofMillis(100);
  /** Nominal delays double up to this. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(30);
  /** A connection that lasted this long after admission resets the backoff. */
  public static final Duration STABLE_CONNECTION = Duration.ofSeconds(10);
  /** Inside the window a SERVER_RESTARTING frame announced, nominal delays stop growing here. */
  public static final Duration RESTART_RETRY_CAP = Duration.ofSeconds(1);
  /** The first reconnect after a restart is spread over at least this long past the announced time. */
  public static final Duration MIN_RESTART_SPREAD = Duration.ofSeconds(1);

  private final RandomGenerator random;
  private int failures;
  private long admittedAtNanos;
  private boolean admitted;
  private boolean restartAnnounced;
  private long restartFirstAttemptNanos;
  private long restartWindowEndNanos;
  private long restartSpreadNanos;

  public ReconnectBackoff(RandomGenerator random) {
    this.random = random;
  }

  /** The relay admitted the client (SERVER_INFO arrived). */
  public void onAdmitted(long nowNanos) {
    admitted = true;
    admittedAtNanos = nowNanos;
  }

  /**
   * The relay announced a restart: try again about {@code reconnectIn} from now, then retry
   * quickly for {@code tryFor}.
   */
  public void onServerRestarting(Duration reconnectIn, Duration tryFor, long nowNanos) {
    restartAnnounced = true;
    restartFirstAttemptNanos = nowNanos + reconnectIn.toNanos();
    restartSpreadNanos = Math.max(MIN_RESTART_SPREAD.toNanos(), reconnectIn.toNanos() / 2);
    restartWindowEndNanos = restartFirstAttemptNanos + restartSpreadNanos + tryFor.toNanos();
    failures = 0;
  }

  /**
   * How long to wait before the next attempt, called once when a connection is lost or an
   * attempt failed.
   */
  public Duration nextDelay(long nowNanos) {
    if (admitted && nowNanos - admittedAtNanos >= STABLE_CONNECTION.toNanos()) {
      failures = 0;
    }
    admitted = false;
    if (restartAnnounced) {
      restartAnnounced = false;
      long wait = Math.max(0, restartFirstAttemptNanos - nowNanos) + random.nextLong(restartSpreadNanos + 1);
      return Duration.ofNanos(wait);
    }
    boolean inRestartWindow = nowNanos < restartWindowEndNanos;
    long cap = inRestartWindow ? RESTART_RETRY_CAP.toNanos() : MAX_DELAY.toNanos();
    long nominal = Math.min(cap, INITIAL_DELAY.toNanos() << Math.min(failures, 20));
    failures++;
    long half = nominal / 2;
    return Duration.ofNanos(half + random.nextLong(nominal - half + 1));
  }

  /** Failures since the last stable connection, for logs and tests. */
  public int failures() {
    return failures;
  }
}
