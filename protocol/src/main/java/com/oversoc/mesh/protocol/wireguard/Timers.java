package com.oversoc.mesh.protocol.wireguard;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A peer's timer policy (whitepaper section 6, wireguard-go {@code timers.go}), as named
 * deadlines. The send and receive paths only call the {@code on...} hooks below; what each timer
 * does when it fires is {@link Peer#onTimer}. Deadlines are monotonic nanoseconds, so a pure
 * caller polls ({@link #nextDeadline()}) and an actor maps each {@link Name} onto one keyed timer.
 *
 * <pre>
 *  timer                 armed by                                 fires after
 *  RETRANSMIT_HANDSHAKE  an initiation sent                        REKEY_TIMEOUT + jitter
 *  SEND_KEEPALIVE        data received, nothing sent since         KEEPALIVE_TIMEOUT
 *  NEW_HANDSHAKE         data sent, nothing received since         KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + jitter
 *  ZERO_KEY_MATERIAL     a session derived (or handshakes gave up) 3 x REJECT_AFTER_TIME
 *  PERSISTENT_KEEPALIVE  any authenticated packet, if configured   the configured interval
 * </pre>
 *
 * Not thread-safe: it belongs to its peer's session.
 */
public final class Timers {
  /** The five timers of a peer. */
  public enum Name { RETRANSMIT_HANDSHAKE, SEND_KEEPALIVE, NEW_HANDSHAKE, ZERO_KEY_MATERIAL, PERSISTENT_KEEPALIVE }

  /** {@link #nextDeadline()} when no timer is armed. */
  public static final long NONE = Long.MAX_VALUE;

  private static final Name[] NAMES = Name.values();

  private final long[] deadlines = new long[NAMES.length];
  private final RandomGenerator jitter;
  private final long persistentKeepaliveNanos;
  private boolean active = true;
  private int handshakeAttempts;
  private boolean needAnotherKeepalive;
  private boolean sentLastMinuteHandshake;

  /**
   * @param persistentKeepalive zero for none (the default), else how often to send a keepalive
   *     regardless of traffic, to keep NAT mappings open
   */
  Timers(RandomGenerator jitter, Duration persistentKeepalive) {
    this.jitter = jitter;
    this.persistentKeepaliveNanos = persistentKeepalive.toNanos();
    java.util.Arrays.fill(deadlines, NONE);
  }

  // ---- hooks, called by the send and receive paths ----

  /** An authenticated data packet (not a keepalive) was sent. */
  void onDataSent(long now) {
    if (active && !isArmed(Name.NEW_HANDSHAKE)) {
      arm(Name.NEW_HANDSHAKE, now + WireGuardSpec.KEEPALIVE_TIMEOUT.toNanos() + WireGuardSpec.REKEY_TIMEOUT.toNanos() + jitterNanos());
    }
  }

  /** An authenticated data packet (not a keepalive) was received. */
  void onDataReceived(long now) {
    if (active) {
      if (!isArmed(Name.SEND_KEEPALIVE)) {
        arm(Name.SEND_KEEPALIVE, now + WireGuardSpec.KEEPALIVE_TIMEOUT.toNanos());
      } else {
        needAnotherKeepalive = true;
      }
    }
  }

  /** Any authenticated packet was sent: keepalive, data or handshake. */
  void onAnyAuthenticatedPacketSent() {
    if (active) {
      disarm(Name.SEND_KEEPALIVE);
    }
  }

  /** Any authenticated packet was received: keepalive, data or handshake. */
  void onAnyAuthenticatedPacketReceived() {
    if (active) {
      disarm(Name.NEW_HANDSHAKE);
    }
  }

  /** A handshake initiation was sent. */
  void onHandshakeInitiated(long now) {
    if (active) {
      arm(Name.RETRANSMIT_HANDSHAKE, now + WireGuardSpec.REKEY_TIMEOUT.toNanos() + jitterNanos());
    }
  }

  /** A handshake completed: a response was consumed, or the first data under a responder's key pair arrived. */
  void onHandshakeComplete() {
    if (active) {
      disarm(Name.RETRANSMIT_HANDSHAKE);
    }
    handshakeAttempts = 0;
    sentLastMinuteHandshake = false;
  }

  /** New session keys were derived: before sending a response, or after consuming one. */
  void onSessionDerived(long now) {
    if (active) {
      arm(Name.ZERO_KEY_MATERIAL, now + WireGuardSpec.ZERO_KEY_MATERIAL_AFTER.toNanos());
    }
  }

  /** Any authenticated packet is about to be sent or was received. */
  void onAnyAuthenticatedPacketTraversal(long now) {
    if (active && persistentKeepaliveNanos > 0) {
      arm(Name.PERSISTENT_KEEPALIVE, now + persistentKeepaliveNanos);
    }
  }

  // ---- state the expiry handlers read ----

  int handshakeAttempts() {
    return handshakeAttempts;
  }

  void resetHandshakeAttempts() {
    handshakeAttempts = 0;
  }

  void countHandshakeAttempt() {
    handshakeAttempts++;
  }

  /** Whether more data arrived while a keepalive was already pending; clears the flag. */
  boolean takeNeedAnotherKeepalive() {
    boolean need = needAnotherKeepalive;
    needAnotherKeepalive = false;
    return need;
  }

  boolean sentLastMinuteHandshake() {
    return sentLastMinuteHandshake;
  }

  void markLastMinuteHandshakeSent() {
    sentLastMinuteHandshake = true;
  }

  // ---- deadlines ----

  void arm(Name name, long deadline) {
    deadlines[name.ordinal()] = deadline;
  }

  void disarm(Name name) {
    deadlines[name.ordinal()] = NONE;
  }

  public boolean isArmed(Name name) {
    return deadlines[name.ordinal()] != NONE;
  }

  /** When {@code name} fires, or {@link #NONE}. */
  public long deadline(Name name) {
    return deadlines[name.ordinal()];
  }

  /** The earliest armed deadline, or {@link #NONE}. */
  public long nextDeadline() {
    long next = NONE;
    for (long d : deadlines) {
      next = Math.min(next, d);
    }
    return next;
  }

  /**
   * The first timer due at {@code now}, disarmed, or null if none is. Timers fire in the order of
   * {@link Name} when several are due at once.
   */
  Name takeDue(long now) {
    for (Name name : NAMES) {
      long d = deadlines[name.ordinal()];
      if (d != NONE && d <= now) {
        deadlines[name.ordinal()] = NONE;
        return name;
      }
    }
    return null;
  }

  /** Disarms everything for good: the peer was removed. */
  void stop() {
    active = false;
    java.util.Arrays.fill(deadlines, NONE);
  }

  private long jitterNanos() {
    return jitter.nextInt(WireGuardDefaults.REKEY_TIMEOUT_JITTER_MAX_MS) * 1_000_000L;
  }
}
