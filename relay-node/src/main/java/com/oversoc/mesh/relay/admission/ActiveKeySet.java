package com.oversoc.mesh.relay.admission;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory {@link ActiveKeys} a feed keeps current: the coordinator's stream in production,
 * a file for a lab ({@link StaticAllowList}). Every update also confirms the view, since it
 * proves the source is alive; {@link #confirm()} is the heartbeat for quiet periods.
 */
public final class ActiveKeySet implements ActiveKeys {
  /** Revoked keys remembered to refuse them as REVOKED rather than UNKNOWN; older ones fall back to UNKNOWN. */
  public static final int REMEMBERED_REVOCATIONS = 10_000;

  private final MonotonicClock clock;
  private final Set<NodePublicKey> active = ConcurrentHashMap.newKeySet();
  private final Map<NodePublicKey, Boolean> revoked = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodePublicKey, Boolean> eldest) {
      return size() > REMEMBERED_REVOCATIONS;
    }
  };
  private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
  private volatile long confirmedAt;
  private volatile boolean everConfirmed;

  public ActiveKeySet(MonotonicClock clock) {
    this.clock = clock;
  }

  /** A full snapshot: exactly these keys are active. Keys not in it are removed as UNKNOWN. */
  public void replaceAll(Collection<NodePublicKey> keys) {
    Set<NodePublicKey> next = new HashSet<>(keys);
    List<NodePublicKey> gone;
    synchronized (this) {
      gone = active.stream().filter(k -> !next.contains(k)).toList();
      active.addAll(next);
      gone.forEach(active::remove);
      next.forEach(this::forgetRevocation);
    }
    confirm();
    gone.forEach(k -> notifyRemoved(k, Status.UNKNOWN));
  }

  public void add(NodePublicKey key) {
    synchronized (this) {
      active.add(key);
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
    boolean was = active.remove(key);
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
    if (active.contains(key)) {
      return Status.ACTIVE;
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

  /** Active keys, for tests and the admin view. */
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
