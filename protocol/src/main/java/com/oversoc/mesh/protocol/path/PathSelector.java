package com.oversoc.mesh.protocol.path;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * One peer's path choice: which of its direct UDP candidates works and is fastest, kept alive by
 * heartbeats, with the peer's home relay as the fallback that always works. Pure and
 * single-threaded: the caller feeds it the peer map, session state, authenticated arrivals,
 * pongs and time, sends the pings {@link #poll} returns and sends its datagrams to
 * {@link #current}. The timers and limits are {@link PathDefaults}.
 *
 * <pre>
 *  setCandidates ──► candidates (listed ∪ learned, at most MAX_CANDIDATES)
 *  onAuthenticated ─► unknown direct source: learned, pinged at once
 *  poll ──► expire pings, judge liveness ─► discovery/upgrade rounds, heartbeats ─► pings + deadline
 *  onPong ─► SRTT of the path the ping went to ─► live ─► hysteresis ─► current direct path
 *  current / handshakePaths ◄── live direct path, else relay, else best guess
 * </pre>
 *
 * <p>A direct path is <em>live</em> from its first pong until it misses MAX_MISSED_HEARTBEATS
 * pings in a row or, while data flows, stays without a pong for ACTIVE_SILENCE_TIMEOUT. The
 * relay is never pinged: it always works, and it is only used when no direct path is live.
 *
 * <p>The caller calls {@link #poll} after every other method and whenever the deadline it
 * returned passes; poll is cheap when nothing is due. Methods take {@code now} in monotonic
 * nanoseconds, which must never go backwards. {@code P} must have value equality (it keys a map).
 *
 * @param <P> the node's path address type (a direct endpoint or a relay route)
 */
public final class PathSelector<P> {
  /** {@link Actions#nextDeadline()} when nothing will be due until something happens. */
  public static final long NONE = Long.MAX_VALUE;

  private static final long NEVER = Long.MIN_VALUE;
  private static final long[] DISCOVERY_RETRY_GAPS =
      PathDefaults.DISCOVERY_RETRY_GAPS.stream().mapToLong(java.time.Duration::toNanos).toArray();
  private static final long UPGRADE_INTERVAL = PathDefaults.UPGRADE_INTERVAL.toNanos();
  private static final long UPGRADE_JITTER = PathDefaults.UPGRADE_JITTER.toNanos();
  private static final long HEARTBEAT_ACTIVE = PathDefaults.HEARTBEAT_ACTIVE.toNanos();
  private static final long HEARTBEAT_IDLE = PathDefaults.HEARTBEAT_IDLE.toNanos();
  private static final long ACTIVE_AFTER_DATA = PathDefaults.ACTIVE_AFTER_DATA.toNanos();
  private static final long ACTIVE_SILENCE_TIMEOUT = PathDefaults.ACTIVE_SILENCE_TIMEOUT.toNanos();
  private static final long PING_TIMEOUT = PathDefaults.PING_TIMEOUT.toNanos();
  private static final long MIN_PING_INTERVAL = PathDefaults.MIN_PING_INTERVAL.toNanos();
  private static final long SWITCH_MIN_GAIN = PathDefaults.SWITCH_MIN_GAIN.toNanos();

  /** A ping to send now: the encoded {@link PathProbe.Ping}, to go through the peer's session to {@code to}. */
  public record OutgoingProbe<P>(P to, byte[] packet) {
    public OutgoingProbe {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(packet, "packet");
    }
  }

  /**
   * What {@link #poll} produced.
   *
   * @param probes pings to send now, each to its own destination (not to {@link #current})
   * @param nextDeadline when to poll again if nothing happens before, or {@link #NONE}
   */
  public record Actions<P>(List<OutgoingProbe<P>> probes, long nextDeadline) {
    public Actions {
      probes = List.copyOf(probes);
    }
  }

  /**
   * What the selector knows about one direct candidate, for logs and status.
   *
   * @param address the candidate
   * @param listed from the peer map
   * @param learned heard from (an authenticated message or a pong came from it)
   * @param live answered pings and is not judged dead
   * @param srttNanos smoothed round trip, -1 before the first pong
   */
  public record PathStatus<P>(P address, boolean listed, boolean learned, boolean live, long srttNanos) {}

  /**
   * Counters since construction.
   *
   * @param pingsSent pings returned by {@link #poll}
   * @param pongsAccepted pongs that gave an RTT sample
   * @param pongsIgnored pongs for an unknown, expired or forgotten ping
   * @param pongsFromOtherAddress pongs that came back from another address than their ping went to
   * @param pathsDied live direct paths judged dead
   * @param directChanges times the chosen direct path changed (found, switched, or lost)
   * @param candidatesLearned sources that became candidates by being heard from
   * @param candidatesDropped candidates not tracked, or forgotten, because of MAX_CANDIDATES
   */
  public record Stats(long pingsSent, long pongsAccepted, long pongsIgnored, long pongsFromOtherAddress,
      long pathsDied, long directChanges, long candidatesLearned, long candidatesDropped) {}

  private static final class Candidate<P> {
    final P address;
    boolean listed;
    boolean learned;
    long learnedOrder;
    long lastHeard = NEVER;
    long lastPingSent = NEVER;
    long lastPong = NEVER;
    long srtt = -1;
    int missed;
    int inFlight;
    boolean live;
    boolean pingRequested;

    Candidate(P address) {
      this.address = address;
    }
  }

  private record InFlight<P>(Candidate<P> candidate, long sentAt, long expiresAt) {}

  private final Predicate<? super P> isRelay;
  private final RandomGenerator random;
  /** Listed candidates in peer-map order, then learned-only ones in the order they were learned. */
  private final List<Candidate<P>> candidates = new ArrayList<>();
  private final Map<P, Candidate<P>> byAddress = new HashMap<>();
  /** Pings in flight by transaction id, in the order sent (so also in the order they expire). */
  private final LinkedHashMap<Long, InFlight<P>> inFlight = new LinkedHashMap<>();
  private P relay;
  private boolean sessionUp;
  private Candidate<P> chosen;
  private long nextRoundAt = NONE;
  private int discoveryStep = DISCOVERY_RETRY_GAPS.length;
  private long lastDataSent = NEVER;
  private long activeSince = NEVER;
  private long lastNow = NEVER;
  private long learnedCount;
  private boolean dirty;
  private long cachedDeadline = NONE;

  private long pingsSent;
  private long pongsAccepted;
  private long pongsIgnored;
  private long pongsFromOtherAddress;
  private long pathsDied;
  private long directChanges;
  private long candidatesDropped;

  /**
   * @param isRelay tells relay addresses from direct ones
   * @param random transaction ids and jitter (seeded in tests)
   */
  public PathSelector(Predicate<? super P> isRelay, RandomGenerator random) {
    this.isRelay = Objects.requireNonNull(isRelay, "isRelay");
    this.random = Objects.requireNonNull(random, "random");
  }

  // ---- inputs ----

  /**
   * The peer's endpoints and home relay from the peer map. What was learned about addresses that
   * stay is kept; listed addresses that go are forgotten; learned ones stay (the peer map does not
   * know them). Beyond MAX_CANDIDATES the first listed are kept, then the most recently learned;
   * a learned path in use keeps its place whatever the peer map lists.
   *
   * @throws IllegalArgumentException if a direct address is a relay one or the relay is not (nothing changes)
   */
  public void setCandidates(List<P> direct, Optional<P> relay, long now) {
    LinkedHashSet<P> listed = new LinkedHashSet<>();
    for (P p : direct) {
      if (isRelay.test(Objects.requireNonNull(p, "direct candidate"))) {
        throw new IllegalArgumentException("a direct candidate is a relay address: " + p);
      }
      listed.add(p);
    }
    if (relay.isPresent() && !isRelay.test(relay.get())) {
      throw new IllegalArgumentException("the relay is a direct address: " + relay.get());
    }
    advance(now);
    boolean keepChosenLearned = chosen != null && chosen.learned && !listed.contains(chosen.address);
    int listedRoom = PathDefaults.MAX_CANDIDATES - (keepChosenLearned ? 1 : 0);
    List<Candidate<P>> next = new ArrayList<>();
    for (P p : listed) {
      if (next.size() == listedRoom) {
        candidatesDropped++;
        continue;
      }
      Candidate<P> c = byAddress.get(p);
      if (c == null) {
        c = new Candidate<>(p);
        c.pingRequested = true;
      }
      c.listed = true;
      next.add(c);
    }
    List<Candidate<P>> learnedOnly = new ArrayList<>();
    for (Candidate<P> c : candidates) {
      if (!listed.contains(c.address) && c.learned) {
        learnedOnly.add(c);
      }
    }
    // Room goes to the chosen path first, then to the most recently learned.
    learnedOnly.sort(Comparator.<Candidate<P>>comparingInt(c -> c == chosen ? 0 : 1)
        .thenComparing(Comparator.<Candidate<P>>comparingLong(c -> c.learnedOrder).reversed()));
    int room = PathDefaults.MAX_CANDIDATES - next.size();
    if (learnedOnly.size() > room) {
      candidatesDropped += learnedOnly.size() - room;
      learnedOnly = new ArrayList<>(learnedOnly.subList(0, room));
    }
    learnedOnly.sort(Comparator.comparingLong(c -> c.learnedOrder));
    for (Candidate<P> c : learnedOnly) {
      c.listed = false;
      next.add(c);
    }
    candidates.clear();
    candidates.addAll(next);
    byAddress.clear();
    for (Candidate<P> c : candidates) {
      byAddress.put(c.address, c);
    }
    this.relay = relay.orElse(null);
    if (chosen != null && byAddress.get(chosen.address) != chosen) {
      loseChosen(now);
    }
    dirty = true;
  }

  /**
   * Whether a WireGuard session with the peer exists (a key pair it can send under). Probes
   * travel inside it, so none is sent without one; report down only when no key pair is left,
   * not on every rekey. Up starts discovery; down forgets pings in flight and which paths were
   * live (nothing can confirm them), keeping RTTs and what was learned.
   */
  public void sessionUp(boolean up, long now) {
    advance(now);
    if (up == sessionUp) {
      return;
    }
    sessionUp = up;
    dirty = true;
    if (up) {
      startDiscovery(now);
      return;
    }
    inFlight.clear();
    for (Candidate<P> c : candidates) {
      c.inFlight = 0;
      c.live = false;
      c.missed = 0;
      c.pingRequested = false;
    }
    if (chosen != null) {
      chosen = null;
      directChanges++;
    }
    nextRoundAt = NONE;
    discoveryStep = DISCOVERY_RETRY_GAPS.length;
  }

  /**
   * An authenticated WireGuard message from the peer (data, keepalive, handshake or probe)
   * arrived via {@code source}. An unknown direct source becomes a learned candidate and is pinged
   * at once: that is how a node finds the peer's NAT mapping. A known one counts as heard from and,
   * if it is not live and has no ping in flight, is pinged too. Cheap: call it for every message.
   */
  public void onAuthenticated(P source, long now) {
    checkTime(now);
    if (isRelay.test(Objects.requireNonNull(source, "source"))) {
      return;
    }
    Candidate<P> c = byAddress.get(source);
    if (c == null) {
      c = learn(source);
      if (c == null) {
        return;
      }
    }
    c.lastHeard = now;
    if (!c.live && c.inFlight == 0 && !c.pingRequested) {
      c.pingRequested = true;
      dirty = true;
    }
  }

  /**
   * A pong for one of our pings arrived via {@code source}. If it came back from the address the
   * ping went to, that path gets an RTT sample and is live; a pong from elsewhere only makes its
   * source a learned candidate (it is pinged in turn). A pong for an unknown or expired ping is
   * ignored and counted.
   *
   * @return the new {@link #current} path if this pong changed it, else empty; the choice also
   *     changes with time (a path dies), so ask {@link #current} before each send anyway
   */
  public Optional<P> onPong(long txid, P source, long now) {
    advance(now);
    dirty = true;
    InFlight<P> ping = inFlight.remove(txid);
    if (ping == null) {
      pongsIgnored++;
      return Optional.empty();
    }
    Candidate<P> c = ping.candidate();
    c.inFlight--;
    if (!c.address.equals(source)) {
      pongsFromOtherAddress++;
      onAuthenticated(source, now);
      return Optional.empty();
    }
    if (byAddress.get(c.address) != c) {
      pongsIgnored++;
      return Optional.empty();
    }
    Optional<P> before = currentNow();
    long sample = now - ping.sentAt();
    c.srtt = c.srtt < 0 ? sample : c.srtt + (sample - c.srtt) / PathDefaults.SRTT_ALPHA_DENOMINATOR;
    c.lastPong = now;
    c.missed = 0;
    c.live = true;
    c.pingRequested = false;
    pongsAccepted++;
    reselect();
    if (discoveryStep < DISCOVERY_RETRY_GAPS.length) {
      discoveryStep = DISCOVERY_RETRY_GAPS.length;
      nextRoundAt = now + upgradeInterval();
    }
    Optional<P> after = currentNow();
    return after.equals(before) ? Optional.empty() : after;
  }

  /** Data was sent to the peer: heartbeats run at HEARTBEAT_ACTIVE while it flows. Cheap: call it for every packet. */
  public void onDataSent(long now) {
    checkTime(now);
    if (!isActive(now)) {
      advance(now);
      activeSince = now;
      dirty = true;
    }
    lastDataSent = now;
  }

  // ---- outputs ----

  /** The pings to send now and when to poll again. */
  public Actions<P> poll(long now) {
    checkTime(now);
    if (!dirty && now < cachedDeadline) {
      return new Actions<>(List.of(), cachedDeadline);
    }
    advance(now);
    dirty = false;
    if (!sessionUp) {
      cachedDeadline = NONE;
      return new Actions<>(List.of(), NONE);
    }
    List<OutgoingProbe<P>> out = new ArrayList<>();
    if (nextRoundAt <= now) {
      for (Candidate<P> c : candidates) {
        if (!c.live && mayPing(c, now)) {
          out.add(ping(c, now));
        }
      }
      nextRoundAt = now + nextRoundGap();
    }
    long heartbeat = heartbeatInterval(now);
    for (Candidate<P> c : candidates) {
      if ((c.live && now - c.lastPingSent >= heartbeat) || (c.pingRequested && mayPing(c, now))) {
        out.add(ping(c, now));
      }
    }
    cachedDeadline = nextDeadline(now);
    return new Actions<>(out, cachedDeadline);
  }

  /**
   * Where to send datagrams now: the chosen live direct path (lowest SRTT, with hysteresis), else
   * the relay, else, with no relay known, the most promising direct candidate (the one heard from
   * most recently, else the first listed). Empty only with no candidate at all.
   */
  public Optional<P> current(long now) {
    advance(now);
    return currentNow();
  }

  /**
   * Where to send a handshake initiation: the current path if it is a live direct one, else the
   * relay and the direct candidates (most recently heard from first, then in peer-map order), at
   * most MAX_HANDSHAKE_PATHS in all.
   */
  public List<P> handshakePaths(long now) {
    advance(now);
    if (chosen != null) {
      return List.of(chosen.address);
    }
    List<P> out = new ArrayList<>();
    if (relay != null) {
      out.add(relay);
    }
    for (Candidate<P> c : byPromise()) {
      if (out.size() == PathDefaults.MAX_HANDSHAKE_PATHS) {
        break;
      }
      out.add(c.address);
    }
    return out;
  }

  /** Every direct candidate in table order (listed, then learned), as of {@code now}. */
  public List<PathStatus<P>> paths(long now) {
    advance(now);
    List<PathStatus<P>> out = new ArrayList<>(candidates.size());
    for (Candidate<P> c : candidates) {
      out.add(new PathStatus<>(c.address, c.listed, c.learned, c.live, c.srtt));
    }
    return out;
  }

  public Stats stats() {
    return new Stats(pingsSent, pongsAccepted, pongsIgnored, pongsFromOtherAddress, pathsDied, directChanges,
        learnedCount, candidatesDropped);
  }

  // ---- state up to now ----

  private void checkTime(long now) {
    if (now < lastNow) {
      throw new IllegalArgumentException("time went backwards: " + now + " < " + lastNow);
    }
    lastNow = now;
  }

  /** Expires pings due at {@code now} and judges live paths; a dead chosen path restarts discovery. */
  private void advance(long now) {
    checkTime(now);
    Iterator<InFlight<P>> it = inFlight.values().iterator();
    while (it.hasNext()) {
      InFlight<P> ping = it.next();
      if (ping.expiresAt() > now) {
        break;
      }
      it.remove();
      Candidate<P> c = ping.candidate();
      c.inFlight--;
      // A ping older than the last pong was overtaken by a later one: not a missed heartbeat.
      if (ping.sentAt() >= c.lastPong) {
        c.missed++;
      }
      dirty = true;
    }
    boolean chosenDied = false;
    for (Candidate<P> c : candidates) {
      if (c.live && (c.missed >= PathDefaults.MAX_MISSED_HEARTBEATS || silenceDeadline(c, now) <= now)) {
        c.live = false;
        pathsDied++;
        chosenDied |= c == chosen;
        dirty = true;
      }
    }
    if (chosenDied) {
      loseChosen(now);
    }
  }

  private void loseChosen(long now) {
    chosen = null;
    reselect();
    if (chosen == null) {
      directChanges++;
    }
    if (sessionUp) {
      startDiscovery(now);
    }
  }

  private void startDiscovery(long now) {
    discoveryStep = 0;
    nextRoundAt = now;
    dirty = true;
  }

  /** Chooses the live path with the lowest SRTT if there is none chosen or it is clearly better. */
  private void reselect() {
    Candidate<P> best = null;
    for (Candidate<P> c : candidates) {
      if (c.live && (best == null || c.srtt < best.srtt)) {
        best = c;
      }
    }
    if (best != null && best != chosen && (chosen == null || clearlyBetter(best.srtt, chosen.srtt))) {
      chosen = best;
      directChanges++;
    }
  }

  private static boolean clearlyBetter(long candidate, long current) {
    long gain = current - candidate;
    return gain >= SWITCH_MIN_GAIN && gain * 100 >= current * PathDefaults.SWITCH_MIN_GAIN_PERCENT;
  }

  private Optional<P> currentNow() {
    if (chosen != null) {
      return Optional.of(chosen.address);
    }
    if (relay != null) {
      return Optional.of(relay);
    }
    List<Candidate<P>> ranked = byPromise();
    return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0).address);
  }

  /** Candidates heard from, most recent first, then the others in table order. */
  private List<Candidate<P>> byPromise() {
    List<Candidate<P>> ranked = new ArrayList<>(candidates);
    // A stable sort: candidates never heard from keep the table order.
    ranked.sort(Comparator.comparingLong((Candidate<P> c) -> c.lastHeard).reversed());
    return ranked;
  }

  private Candidate<P> learn(P address) {
    if (candidates.size() >= PathDefaults.MAX_CANDIDATES) {
      Candidate<P> oldest = null;
      for (Candidate<P> c : candidates) {
        if (c.learned && !c.listed && c != chosen && (oldest == null || c.learnedOrder < oldest.learnedOrder)) {
          oldest = c;
        }
      }
      candidatesDropped++;
      if (oldest == null) {
        return null;
      }
      candidates.remove(oldest);
      byAddress.remove(oldest.address);
    }
    Candidate<P> c = new Candidate<>(address);
    c.learned = true;
    c.learnedOrder = ++learnedCount;
    c.pingRequested = true;
    candidates.add(c);
    byAddress.put(address, c);
    dirty = true;
    return c;
  }

  // ---- timing ----

  private boolean isActive(long now) {
    return lastDataSent != NEVER && now - lastDataSent < ACTIVE_AFTER_DATA;
  }

  private long heartbeatInterval(long now) {
    return isActive(now) ? HEARTBEAT_ACTIVE : HEARTBEAT_IDLE;
  }

  /** When {@code c} dies for silence if data keeps flowing, or NONE while it does not flow. */
  private long silenceDeadline(Candidate<P> c, long now) {
    if (!c.live || !isActive(now)) {
      return NONE;
    }
    return Math.max(c.lastPong, activeSince) + ACTIVE_SILENCE_TIMEOUT;
  }

  private boolean mayPing(Candidate<P> c, long now) {
    return c.lastPingSent == NEVER || now - c.lastPingSent >= MIN_PING_INTERVAL;
  }

  private long upgradeInterval() {
    return UPGRADE_INTERVAL - random.nextLong(UPGRADE_JITTER);
  }

  /** The next discovery gap while discovery lasts and no path is live, else an upgrade interval (discovery over). */
  private long nextRoundGap() {
    if (discoveryStep < DISCOVERY_RETRY_GAPS.length && chosen == null) {
      return DISCOVERY_RETRY_GAPS[discoveryStep++];
    }
    discoveryStep = DISCOVERY_RETRY_GAPS.length;
    return upgradeInterval();
  }

  private OutgoingProbe<P> ping(Candidate<P> c, long now) {
    long txid;
    do {
      txid = random.nextLong();
    } while (inFlight.containsKey(txid));
    inFlight.put(txid, new InFlight<>(c, now, now + PING_TIMEOUT));
    c.inFlight++;
    c.lastPingSent = now;
    c.pingRequested = false;
    pingsSent++;
    return new OutgoingProbe<>(c.address, new PathProbe.Ping(txid).encode());
  }

  /** The earliest of: the next round, heartbeats, requested pings, ping expiry, a death for silence. */
  private long nextDeadline(long now) {
    long next = NONE;
    long heartbeat = heartbeatInterval(now);
    boolean anyNotLive = false;
    for (Candidate<P> c : candidates) {
      if (c.live) {
        next = Math.min(next, c.lastPingSent + heartbeat);
        next = Math.min(next, silenceDeadline(c, now));
      } else {
        anyNotLive = true;
      }
      if (c.pingRequested) {
        next = Math.min(next, c.lastPingSent == NEVER ? now : c.lastPingSent + MIN_PING_INTERVAL);
      }
    }
    if (anyNotLive) {
      next = Math.min(next, nextRoundAt);
    }
    if (!inFlight.isEmpty()) {
      next = Math.min(next, inFlight.values().iterator().next().expiresAt());
    }
    return next;
  }
}
