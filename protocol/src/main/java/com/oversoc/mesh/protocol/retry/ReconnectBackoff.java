package com.oversoc.mesh.protocol.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a client tries again after losing its connection or failing to connect: exponential
 * backoff with jitter, reset only by a connection that stayed up, and a fast-retry window after
 * the server announced a restart (the relay's SERVER_RESTARTING). Pure: time comes in as
 * monotonic nanoseconds, randomness is injected. Not thread-safe; one client actor owns one
 * instance.
 *
 * <p>Jitter is "equal jitter": each delay is half its nominal value plus a uniform random share
 * of the other half, so no client retries at once and 10,000 clients that lost the same server
 * spread their reconnects over the whole interval.
 */
public final class ReconnectBackoff {
  /** Nominal delay after the first failure. */
  public static final Duration INITIAL_DELAY = Duration.ofMillis(100);
  /** Nominal delays double up to this. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(30);
  /** A connection that lasted this long after admission resets the backoff. */
  public static final Duration STABLE_CONNECTION = Duration.ofSeconds(10);
  /** Inside the window a restart announcement opened, nominal delays stop growing here. */
  public static final Duration RESTART_RETRY_CAP = Duration.ofSeconds(1);
  /** The first reconnect after a restart is spread over at least this long past the announced time. */
  public static final Duration MIN_RESTART_SPREAD = Duration.ofSeconds(1);

  /**
   * The shape of the backoff.
   *
   * @param initial nominal delay after the first failure
   * @param max nominal delays double up to this
   * @param stableConnection a connection admitted for this long resets the backoff
   */
  public record Schedule(Duration initial, Duration max, Duration stableConnection) {
    /** The defaults above: 100 ms doubling to 30 s, reset by 10 s of connection. */
    public static final Schedule DEFAULT = new Schedule(INITIAL_DELAY, MAX_DELAY, STABLE_CONNECTION);

    public Schedule {
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || stableConnection.isNegative()) {
        throw new IllegalArgumentException("backoff needs 0 < initial <= max and stableConnection >= 0; got "
            + initial + ", " + max + ", " + stableConnection);
      }
    }
  }

  private final Schedule schedule;
  private final RandomGenerator random;
  private int failures;
  private long admittedAtNanos;
  private boolean admitted;
  private boolean restartAnnounced;
  private long restartFirstAttemptNanos;
  private long restartWindowEndNanos;
  private long restartSpreadNanos;

  /** With the {@link Schedule#DEFAULT} schedule. */
  public ReconnectBackoff(RandomGenerator random) {
    this(Schedule.DEFAULT, random);
  }

  public ReconnectBackoff(Schedule schedule, RandomGenerator random) {
    this.schedule = schedule;
    this.random = random;
  }

  /** The server admitted the client (the relay's SERVER_INFO, the coordinator's first map or key set). */
  public void onAdmitted(long nowNanos) {
    admitted = true;
    admittedAtNanos = nowNanos;
  }

  /**
   * The server announced a restart: try again about {@code reconnectIn} from now, then retry
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
    if (admitted && nowNanos - admittedAtNanos >= schedule.stableConnection().toNanos()) {
      failures = 0;
    }
    admitted = false;
    if (restartAnnounced) {
      restartAnnounced = false;
      long wait = Math.max(0, restartFirstAttemptNanos - nowNanos) + random.nextLong(restartSpreadNanos + 1);
      return Duration.ofNanos(wait);
    }
    boolean inRestartWindow = nowNanos < restartWindowEndNanos;
    long cap = inRestartWindow ? Math.min(RESTART_RETRY_CAP.toNanos(), schedule.max().toNanos())
        : schedule.max().toNanos();
    long nominal = Math.min(cap, schedule.initial().toNanos() << Math.min(failures, 20));
    failures++;
    long half = nominal / 2;
    return Duration.ofNanos(half + random.nextLong(nominal - half + 1));
  }

  /** Failures since the last stable connection, for logs and tests. */
  public int failures() {
    return failures;
  }
}
