package com.oversoc.mesh.relay.admission;

import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory {@link ActiveKeys} a feed keeps current: the coordinator's stream in production
 * ({@link CoordinatorFeed}), a file for a lab ({@link StaticAllowList}). Every update also
 * confirms the view, since it proves the source is alive; {@link #confirm()} is the heartbeat for
 * quiet periods. A key may carry an expiry (the coordinator's feed gives one): once it has
 * passed, the key is refused even if no removal arrived, so a relay cut off from its coordinator
 * still stops admitting keys as they expire.
 */
public final class ActiveKeySet implements ActiveKeys {
  /** Revoked keys remembered to refuse them as REVOKED rather than UNKNOWN; older ones fall back to UNKNOWN. */
  public static final int REMEMBERED_REVOCATIONS = 10_000;
  /** The expiry of a key that has none (a lab's allow-list). */
  public static final Instant NEVER = Instant.MAX;

  private final MonotonicClock clock;
  private final InstantSource wallClock;
  /** Each active key and the wall-clock time it stops being valid. */
  private final Map<NodePublicKey, Instant> active = new ConcurrentHashMap<>();
  private final Map<NodePublicKey, Boolean> revoked = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodePublicKey, Boolean> eldest) {
      return size() > REMEMBERED_REVOCATIONS;
    }
  };
  private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
  private volatile long confirmedAt;
  private volatile boolean everConfirmed;

  /** Keys without expiry are judged by the system wall clock, which then never matters. */
  public ActiveKeySet(MonotonicClock clock) {
    this(clock, SystemClocks.WALL);
  }

  /**
   * @param clock measures the view's age against the grace period
   * @param wallClock judges key expiry, a wall-clock time the coordinator set
   */
  public ActiveKeySet(MonotonicClock clock, InstantSource wallClock) {
    this.clock = clock;
    this.wallClock = wallClock;
  }

  /** A full snapshot of keys without expiry: exactly these are active. */
  public void replaceAll(Collection<NodePublicKey> keys) {
    Map<NodePublicKey, Instant> next = new HashMap<>();
    keys.forEach(k -> next.put(k, NEVER));
    replaceAll(next);
  }

  /** A full snapshot: exactly these keys are active, until their expiry. Keys not in it are removed as UNKNOWN. */
  public void replaceAll(Map<NodePublicKey, Instant> keys) {
    List<NodePublicKey> gone;
    synchronized (this) {
      gone = active.keySet().stream().filter(k -> !keys.containsKey(k)).toList();
      active.putAll(keys);
      gone.forEach(active::remove);
      keys.keySet().forEach(this::forgetRevocation);
    }
    confirm();
    gone.forEach(k -> notifyRemoved(k, Status.UNKNOWN));
  }

  public void add(NodePublicKey key) {
    add(key, NEVER);
  }

  /** The key is active until {@code expires}; adding a key again updates its expiry. */
  public void add(NodePublicKey key, Instant expires) {
    synchronized (this) {
      active.put(key, expires);
      forgetRevocation(key);
    }
    confirm();
  }

  /** The key was revoked: it leaves the set and its connections are closed. */
  public void revoke(NodePublicKey key) {
    synchronized (this) {
      active.remove(key);
      revoked.put(key, Boolean.TRUE);
    }
    confirm();
    notifyRemoved(key, Status.REVOKED);
  }

  /** The key left the set for another reason (deleted, expired, rotated away). */
  public void remove(NodePublicKey key) {
    boolean was = active.remove(key) != null;
    confirm();
    if (was) {
      notifyRemoved(key, Status.UNKNOWN);
    }
  }

  /** The source says the view is current (its heartbeat). */
  public void confirm() {
    confirmedAt = clock.nanos();
    everConfirmed = true;
  }

  @Override
  public Status status(NodePublicKey key) {
    Instant expires = active.get(key);
    if (expires != null) {
      return wallClock.instant().isBefore(expires) ? Status.ACTIVE : Status.EXPIRED;
    }
    synchronized (this) {
      return revoked.containsKey(key) ? Status.REVOKED : Status.UNKNOWN;
    }
  }

  @Override
  public OptionalLong confirmedAtNanos() {
    return everConfirmed ? OptionalLong.of(confirmedAt) : OptionalLong.empty();
  }

  @Override
  public AutoCloseable onRemoved(RemovalListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Keys in the set (expired ones included until the source removes them), for tests and the admin view. */
  public int size() {
    return active.size();
  }

  private void forgetRevocation(NodePublicKey key) {
    revoked.remove(key);
  }

  private void notifyRemoved(NodePublicKey key, Status now) {
    for (RemovalListener l : listeners) {
      l.removed(key, now);
    }
  }
}
