package com.oversoc.mesh.protocol.netcheck;

import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.PROBES_PER_SERVER;
import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.PROBE_FINAL_WAIT_RTOS;
import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.PROBE_MAX_REQUESTS;
import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.PROBE_RTO;
import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.PROBE_SPACING;
import static com.oversoc.mesh.protocol.netcheck.NetcheckDefaults.ROUND_TIMEOUT;

import com.oversoc.mesh.protocol.netcheck.Report.Mapping;
import com.oversoc.mesh.protocol.netcheck.Report.MappedEndpoint;
import com.oversoc.mesh.protocol.netcheck.Report.RegionResult;
import com.oversoc.mesh.protocol.netcheck.Report.UdpStatus;
import com.oversoc.mesh.protocol.stun.StunCodec;
import com.oversoc.mesh.protocol.stun.StunProtocol;
import com.oversoc.mesh.protocol.stun.StunTransaction;
import com.oversoc.mesh.protocol.stun.TransactionId;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One netcheck round: {@link NetcheckDefaults#PROBES_PER_SERVER} STUN Binding transactions to
 * every STUN server of every region, spaced {@link NetcheckDefaults#PROBE_SPACING} apart, each
 * retransmitting on its own schedule, until every probe has an outcome or
 * {@link NetcheckDefaults#ROUND_TIMEOUT} has passed. Then {@link #report()} says whether UDP
 * works, which public endpoints the servers saw, each region's latency and the home region.
 *
 * <pre>
 *   caller                           Netcheck
 *   start(now)            ------->   probes k = 0 of every server       -> datagrams to send
 *   at nextTickNanos():
 *   onTick(now)           ------->   later probes, retransmissions      -> datagrams to send
 *   each STUN datagram:
 *   onDatagram(d, now)    ------->   the probe with that transaction id -> taken or not
 *   isDone() ? report()
 * </pre>
 *
 * Pure and not thread-safe: the caller sends the datagrams, feeds back what arrives on the same
 * socket, and calls {@link #onTick} when told.
 */
public final class Netcheck {
  /** A datagram the caller sends from the node's UDP socket. */
  public record Send(TransportAddress to, byte[] datagram) {
    public Send {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(datagram, "datagram");
    }
  }

  /** One probe: a STUN transaction towards one server of one region. */
  private static final class Probe {
    final int regionIndex;
    final TransportAddress server;
    /** When the probe starts, after the start of the round. */
    final long offsetNanos;
    final StunTransaction transaction;
    boolean started;
    /** When its first request went out (a late tick starts it late). */
    long startedNanos;
    /** Whether the probe's outcome has been recorded. */
    boolean settled;

    Probe(int regionIndex, TransportAddress server, long offsetNanos, StunTransaction transaction) {
      this.regionIndex = regionIndex;
      this.server = server;
      this.offsetNanos = offsetNanos;
      this.transaction = transaction;
    }
  }

  /** What the probes of one region found so far. */
  private static final class RegionTally {
    int sent;
    int answered;
    Duration best;
    String error;
  }

  private final List<Region> regions;
  private final OptionalInt currentHome;
  private final List<Probe> probes = new ArrayList<>();
  private final Map<TransactionId, Probe> byId = new HashMap<>();
  private final RegionTally[] tallies;
  private final Map<TransportAddress, List<TransportAddress>> mapped = new LinkedHashMap<>();
  private final Set<TransportAddress> answeringServers = new LinkedHashSet<>();
  private long startNanos;
  private long deadlineNanos;
  private boolean anyAnswer;
  private boolean started;
  private boolean done;
  private Report report;

  /**
   * A round over {@code regions} (in relay map order).
   *
   * @param currentHome the home region before this round, for the hysteresis
   * @param random the source of transaction ids (cryptographically strong in production, as RFC
   *     8489 wants them unpredictable)
   */
  public Netcheck(List<Region> regions, OptionalInt currentHome, RandomGenerator random) {
    this.regions = List.copyOf(regions);
    this.currentHome = Objects.requireNonNull(currentHome, "currentHome");
    Set<Integer> ids = new HashSet<>();
    for (Region r : this.regions) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("region " + r.id() + " is listed twice");
      }
    }
    this.tallies = new RegionTally[this.regions.size()];
    for (int i = 0; i < this.regions.size(); i++) {
      tallies[i] = new RegionTally();
      for (TransportAddress server : this.regions.get(i).stunServers()) {
        for (int k = 0; k < PROBES_PER_SERVER; k++) {
          TransactionId id;
          do {
            id = TransactionId.random(random);
          } while (byId.containsKey(id));
          Probe p = new Probe(i, server, PROBE_SPACING.toNanos() * k,
              new StunTransaction(id, PROBE_RTO, PROBE_MAX_REQUESTS, PROBE_FINAL_WAIT_RTOS));
          probes.add(p);
          byId.put(id, p);
        }
      }
    }
  }

  /**
   * Starts the round: returns the first requests. A round with nothing to probe is done at once.
   *
   * @throws IllegalStateException if already started
   */
  public List<Send> start(long nowNanos) {
    if (started) {
      throw new IllegalStateException("a netcheck round starts once");
    }
    started = true;
    startNanos = nowNanos;
    deadlineNanos = nowNanos + ROUND_TIMEOUT.toNanos();
    return advance(nowNanos);
  }

  /** When {@link #onTick} should next be called; meaningless once {@link #isDone()}. */
  public long nextTickNanos() {
    long next = deadlineNanos;
    for (Probe p : probes) {
      if (!p.started) {
        next = Math.min(next, startNanos + p.offsetNanos);
      } else if (!p.transaction.isDone()) {
        next = Math.min(next, p.transaction.nextTickNanos());
      }
    }
    return next;
  }

  /** Starts the probes that are due and returns them with the retransmissions that are due. */
  public List<Send> onTick(long nowNanos) {
    requireStarted();
    return done ? List.of() : advance(nowNanos);
  }

  /**
   * Offers a datagram that arrived on the socket. Returns true if it is a STUN message with the
   * transaction id of one of this round's probes (an answer, or a duplicate of one: consumed),
   * false otherwise, so that the caller can pass it on. A malformed message with a probe's id
   * changes nothing.
   */
  public boolean onDatagram(byte[] datagram, int length, long nowNanos) {
    requireStarted();
    if (done || !StunCodec.looksLikeStun(datagram, length)) {
      return false;
    }
    int idOffset = StunProtocol.HEADER_LENGTH - TransactionId.LENGTH;
    Probe p = byId.get(TransactionId.of(Arrays.copyOfRange(datagram, idOffset, StunProtocol.HEADER_LENGTH)));
    if (p == null || !p.started) {
      return false;
    }
    if (p.transaction.onDatagram(datagram, length, nowNanos)) {
      settle(p, nowNanos);
      finishIfComplete(nowNanos);
    }
    return true;
  }

  public boolean isDone() {
    return done;
  }

  /**
   * The round's report.
   *
   * @throws IllegalStateException before the round is done
   */
  public Report report() {
    if (!done) {
      throw new IllegalStateException("the netcheck round is not done");
    }
    return report;
  }

  private List<Send> advance(long nowNanos) {
    List<Send> out = new ArrayList<>();
    for (Probe p : probes) {
      if (!p.started) {
        if (startNanos + p.offsetNanos <= nowNanos && nowNanos < deadlineNanos) {
          p.started = true;
          p.startedNanos = nowNanos;
          tallies[p.regionIndex].sent++;
          out.add(new Send(p.server, p.transaction.start(nowNanos)));
        }
      } else if (!p.transaction.isDone()) {
        p.transaction.onTick(nowNanos).ifPresent(d -> out.add(new Send(p.server, d)));
        settle(p, nowNanos);
      }
    }
    finishIfComplete(nowNanos);
    return done ? List.of() : out;
  }

  /** Records a probe's outcome once it has one. */
  private void settle(Probe p, long nowNanos) {
    if (p.settled || !p.transaction.isDone()) {
      return;
    }
    p.settled = true;
    RegionTally tally = tallies[p.regionIndex];
    switch (p.transaction.outcome()) {
      case StunTransaction.Succeeded s -> {
        anyAnswer = true;
        answeringServers.add(p.server);
        tally.answered++;
        // From the probe's first request: the RTT if it went once, an upper bound if it was repeated.
        Duration sample = Duration.ofNanos(nowNanos - p.startedNanos);
        if (tally.best == null || sample.compareTo(tally.best) < 0) {
          tally.best = sample;
        }
        List<TransportAddress> seenBy = mapped.computeIfAbsent(s.mapped(), k -> new ArrayList<>());
        if (!seenBy.contains(p.server)) {
          seenBy.add(p.server);
        }
      }
      case StunTransaction.Failed f -> {
        anyAnswer = true;
        tally.error = p.server + ": " + f.reason();
      }
      case StunTransaction.TimedOut t -> { }
      case StunTransaction.Pending pending -> throw new IllegalStateException("a done transaction is pending");
    }
  }

  private void finishIfComplete(long nowNanos) {
    if (done) {
      return;
    }
    boolean allSettled = probes.stream().allMatch(p -> p.settled);
    if (!allSettled && nowNanos < deadlineNanos) {
      return;
    }
    done = true;
    report = buildReport();
  }

  private Report buildReport() {
    List<RegionResult> results = new ArrayList<>(regions.size());
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      RegionTally t = tallies[i];
      results.add(new RegionResult(r.id(), r.code(), t.sent, t.answered, Optional.ofNullable(t.best),
          Optional.ofNullable(t.error)));
    }
    UdpStatus udp = probes.isEmpty() ? UdpStatus.NOT_PROBED : anyAnswer ? UdpStatus.WORKS : UdpStatus.BLOCKED;
    List<MappedEndpoint> endpoints = mapped.entrySet().stream()
        .map(e -> new MappedEndpoint(e.getKey(), e.getValue())).toList();
    Mapping mapping = answeringServers.size() < 2 ? Mapping.UNKNOWN
        : endpoints.size() == 1 ? Mapping.ENDPOINT_INDEPENDENT : Mapping.ENDPOINT_DEPENDENT;
    return new Report(udp, endpoints, mapping, results, HomeSelection.choose(regions, results, currentHome));
  }

  private void requireStarted() {
    if (!started) {
      throw new IllegalStateException("the netcheck round has not started");
    }
  }
}
