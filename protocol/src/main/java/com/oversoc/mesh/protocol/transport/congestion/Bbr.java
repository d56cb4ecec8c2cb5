package com.oversoc.mesh.protocol.transport.congestion;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.recovery.RateSample;
import com.oversoc.mesh.protocol.transport.recovery.RttEstimator;
import com.oversoc.mesh.protocol.transport.recovery.SentPacket;
import java.util.random.RandomGenerator;

/**
 * BBR after draft-ietf-ccwg-bbr (BBRv3): a model of the path's bottleneck bandwidth (windowed
 * max of delivery-rate samples) and round-trip propagation time (windowed min RTT) sets the
 * pacing rate and the window; the state machine probes for more bandwidth (ProbeBW UP), drains
 * the queue it made (DOWN), cruises, and refreshes min RTT (ProbeRTT).
 *
 * <pre>
 *   STARTUP ──full pipe──► DRAIN ──queue gone──► PROBE_BW: DOWN ─► CRUISE ─► REFILL ─► UP ─┐
 *      ▲                                             ▲                                     │
 *      └──────── PROBE_RTT (every 5 s without a new min RTT) ◄──────────────────────────────┘
 * </pre>
 *
 * <p>One deliberate deviation, so that random loss does not read as congestion: the draft treats
 * a loss rate above {@link #LOSS_THRESH} (2%) as a sign of a full queue. On our WAN leg random
 * loss of 1% or more is normal, and that rule turns it into a throughput collapse (the thing the
 * mesh exists to avoid). This controller also estimates the path's own loss rate, from rounds in
 * which its model says no queue can exist (Startup rounds in which the delivery rate still grew
 * by 25%, and ProbeBW DOWN and CRUISE rounds, which send at or below the estimated bandwidth),
 * and reads only loss in excess of that baseline as congestion: every place the draft compares
 * with LOSS_THRESH compares with {@code pathLoss + LOSS_THRESH} instead (capped by
 * {@link #MAX_PATH_LOSS}), plus two standard deviations of binomial noise so that a small
 * window's unlucky round is not a signal. On a clean path the baseline is zero and the test is
 * the draft's.
 */
final class Bbr implements CongestionController {
  // Constants of draft-ietf-ccwg-bbr section 2.
  /** 4 ln 2: doubles the delivery rate each round in Startup. */
  static final double STARTUP_PACING_GAIN = 2.77;
  static final double STARTUP_CWND_GAIN = 2.0;
  /** Drains Startup's queue in about one round. */
  static final double DRAIN_PACING_GAIN = 0.35;
  static final double DEFAULT_CWND_GAIN = 2.0;
  static final double PROBE_UP_PACING_GAIN = 1.25;
  static final double PROBE_UP_CWND_GAIN = 2.25;
  static final double PROBE_DOWN_PACING_GAIN = 0.90;
  static final double LOSS_THRESH = 0.02;
  static final double BETA = 0.7;
  static final double HEADROOM = 0.15;
  static final double PROBE_RTT_CWND_GAIN = 0.5;
  static final double PACING_MARGIN = 0.01;
  static final long MIN_PIPE_CWND = 4L * TransportSpec.MAX_PACKET_SIZE;
  static final int MAX_BW_FILTER_CYCLES = 2;
  static final int EXTRA_ACKED_FILTER_ROUNDS = 10;
  static final long MIN_RTT_FILTER_NANOS = 10_000_000_000L;
  static final long PROBE_RTT_INTERVAL_NANOS = 5_000_000_000L;
  static final long PROBE_RTT_DURATION_NANOS = 200_000_000L;
  static final int STARTUP_FULL_BW_ROUNDS = 3;
  static final double STARTUP_FULL_BW_GROWTH = 1.25;
  static final int STARTUP_FULL_LOSS_COUNT = 6;
  /** ProbeBW waits 2 s plus up to 1 s before probing again (draft PickProbeWait). */
  static final long PROBE_WAIT_BASE_NANOS = 2_000_000_000L;
  static final long PROBE_WAIT_RANDOM_NANOS = 1_000_000_000L;
  /** Highest path loss rate treated as random rather than congestion. */
  static final double MAX_PATH_LOSS = 0.30;
  /** Standard deviations of binomial noise tolerated above the expected path loss. */
  static final double LOSS_SIGNIFICANCE = 2.0;
  /** Weight of one round in the path loss estimate, once {@code 1/samples} has fallen below it. */
  static final double PATH_LOSS_GAIN = 0.125;
  /** Upper bound of the ACK-aggregation allowance, as time at the estimated bandwidth. */
  static final long EXTRA_ACKED_MAX_NANOS = 100_000_000L;
  /** Bounds of the send quantum (draft BBRSetSendQuantum). */
  static final long MAX_SEND_QUANTUM = 64 * 1024;
  private static final int MSS = TransportSpec.MAX_PACKET_SIZE;
  private static final long INFINITE = Long.MAX_VALUE;
  private static final double NANOS_PER_SECOND = 1e9;

  enum State { STARTUP, DRAIN, PROBE_BW_DOWN, PROBE_BW_CRUISE, PROBE_BW_REFILL, PROBE_BW_UP, PROBE_RTT }

  private enum AckPhase { INIT, PROBE_STARTING, PROBE_FEEDBACK, PROBE_STOPPING, REFILLING }

  private State state;
  private double pacingGain;
  private double cwndGain;
  private long cwnd = CongestionControl.INITIAL_WINDOW;
  private long pacingRate;
  private long sendQuantum = 2L * MSS;

  // Model.
  private final MaxFilter maxBwFilter = new MaxFilter(MAX_BW_FILTER_CYCLES);
  private long cycleCount;
  private long maxBw;
  private long bw;
  private long bwLo = INFINITE;
  private long bwLatest;
  private long inflightHi = INFINITE;
  private long inflightLo = INFINITE;
  private long inflightLatest;
  private long minRtt = INFINITE;
  private long minRttStamp;
  private long probeRttMinDelay = INFINITE;
  private long probeRttMinStamp;
  private final MaxFilter extraAckedFilter = new MaxFilter(EXTRA_ACKED_FILTER_ROUNDS);
  private long extraAckedIntervalStart;
  private long extraAckedDelivered;

  // Rounds.
  private long nextRoundDelivered;
  private long roundCount;
  private boolean roundStart;
  private long roundsSinceBwProbe;

  // Startup.
  private boolean filledPipe;
  private long fullBw;
  private int fullBwCount;

  // Loss signals per round.
  private boolean lossRoundStart;
  private long lossRoundDelivered;
  private long lossInRoundBytes;
  private long deliveredInRoundBytes;
  private int lossEventsInRound;
  private double pathLoss;
  private long pathLossSamples;
  private long maxBwAtRoundStart;

  // ProbeBW.
  private AckPhase ackPhase = AckPhase.INIT;
  private long cycleStamp;
  private long bwProbeWait;
  private boolean bwProbeSamples;
  private long probeUpCount = INFINITE;
  private long probeUpAcks;
  private int probeUpRounds;
  private long priorCwnd;

  // ProbeRTT.
  private long probeRttDoneStamp;
  private boolean probeRttRoundDone;

  private long delivered;
  private long bytesInFlight;
  /** Spreads probe times so that flows sharing a bottleneck do not probe in lockstep. */
  private final RandomGenerator random;

  Bbr(long now, RandomGenerator random) {
    this.random = random;
    minRttStamp = now;
    probeRttMinStamp = now;
    extraAckedIntervalStart = now;
    pacingRate = (long) (STARTUP_PACING_GAIN * CongestionControl.INITIAL_WINDOW * NANOS_PER_SECOND
        / TransportSpec.INITIAL_RTT_NANOS);
    enterStartup();
  }

  State bbrState() {
    return state;
  }

  long maxBw() {
    return maxBw;
  }

  @Override
  public String state() {
    return state.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public long congestionWindow() {
    return cwnd;
  }

  @Override
  public long pacingRate() {
    return pacingRate;
  }

  @Override
  public void onPacketSent(SentPacket packet, long bytesInFlight, long now) {
    this.bytesInFlight = bytesInFlight;
  }

  @Override
  public void onPacketLost(SentPacket packet, long connectionLostBytes, long now) {
    lossEventsInRound++;
    if (!bwProbeSamples) {
      return;
    }
    long txInFlight = packet.txInFlight();
    long lost = connectionLostBytes - packet.lostAtSend();
    if (lossExceedsPath(lost, txInFlight)) {
      // Estimate the inflight at which loss crossed the threshold (draft BBRInflightHiFromLostPacket).
      long inflightPrev = txInFlight - packet.size;
      long lostPrev = lost - packet.size;
      double thresh = lossThreshold();
      double lostPrefix = (thresh * inflightPrev - lostPrev) / (1 - thresh);
      long inflightAtLoss = inflightPrev + (long) Math.max(lostPrefix, 0);
      handleInflightTooHigh(inflightAtLoss, packet.appLimited(), now);
    }
  }

  @Override
  public void onPersistentCongestion(long now) {
    // BBR's model is not invalidated by a burst of loss; the draft leaves the window to the model.
  }

  @Override
  public void onAck(RateSample rs, long largestAckedTimeSent, long bytesInFlight, boolean cwndLimited,
      RttEstimator rtt, long now) {
    this.bytesInFlight = bytesInFlight;
    delivered = rs.priorDelivered() + rs.delivered();
    if (largestAckedTimeSent < 0 && rs.newlyAcked() == 0) {
      // A loss-timer event: losses were counted per packet; the model needs an ACK to move.
      return;
    }
    delivered = Math.max(delivered, rs.priorDelivered());
    // Model and state (draft BBRUpdateModelAndState).
    updateLatestDeliverySignals(rs);
    updateCongestionSignals(rs);
    updateAckAggregation(rs, now);
    checkStartupDone(rs);
    checkDrain(now);
    updateProbeBwCyclePhase(rs, cwndLimited, now);
    updateMinRtt(rs, now);
    checkProbeRtt(rs, now);
    advanceLatestDeliverySignals(rs);
    bw = Math.min(maxBw, bwLo);
    // Control parameters (draft BBRUpdateControlParameters).
    setPacingRate();
    setSendQuantum();
    setCwnd(rs);
  }

  // --- Rounds and the bandwidth model ---

  private void updateRound(RateSample rs) {
    if (rs.priorDelivered() >= nextRoundDelivered && rs.newlyAcked() > 0) {
      nextRoundDelivered = delivered;
      roundCount++;
      roundsSinceBwProbe++;
      roundStart = true;
    } else {
      roundStart = false;
    }
  }

  private void updateMaxBw(RateSample rs) {
    updateRound(rs);
    if (rs.deliveryRate() >= 0 && (rs.deliveryRate() >= maxBw || !rs.appLimited())) {
      maxBwFilter.update(rs.deliveryRate(), cycleCount);
      maxBw = maxBwFilter.get(cycleCount);
    }
  }

  private void updateLatestDeliverySignals(RateSample rs) {
    lossRoundStart = false;
    bwLatest = Math.max(bwLatest, Math.max(rs.deliveryRate(), 0));
    inflightLatest = Math.max(inflightLatest, rs.delivered());
    if (rs.priorDelivered() >= lossRoundDelivered) {
      lossRoundDelivered = delivered;
      lossRoundStart = true;
    }
  }

  private void advanceLatestDeliverySignals(RateSample rs) {
    if (lossRoundStart) {
      bwLatest = Math.max(rs.deliveryRate(), 0);
      inflightLatest = rs.delivered();
    }
  }

  private void updateCongestionSignals(RateSample rs) {
    updateMaxBw(rs);
    lossInRoundBytes += rs.newlyLost();
    deliveredInRoundBytes += rs.newlyAcked();
    if (!lossRoundStart) {
      return;
    }
    updatePathLoss();
    adaptLowerBoundsFromCongestion();
    lossInRoundBytes = 0;
    deliveredInRoundBytes = 0;
    lossEventsInRound = 0;
  }

  private boolean roundLossTooHigh() {
    return lossExceedsPath(lossInRoundBytes, lossInRoundBytes + deliveredInRoundBytes);
  }

  /**
   * True if losing {@code lost} of {@code total} bytes is more than the path's own loss explains:
   * above {@code pathLoss + LOSS_THRESH} by more than {@link #LOSS_SIGNIFICANCE} standard
   * deviations of the binomial count, so that a small window's unlucky round is not read as a
   * full queue. With no path loss this is exactly the draft's test.
   */
  boolean lossExceedsPath(long lost, long total) {
    if (total <= 0 || lost <= 0) {
      return false;
    }
    double n = (double) total / MSS;
    double p = Math.min(pathLoss, MAX_PATH_LOSS);
    double allowed = n * (p + LOSS_THRESH) + LOSS_SIGNIFICANCE * Math.sqrt(n * p * (1 - p));
    return (double) lost / MSS > allowed;
  }

  /** Loss rate above which loss means congestion: the path's own loss plus the draft's threshold. */
  double lossThreshold() {
    return Math.min(pathLoss, MAX_PATH_LOSS) + LOSS_THRESH;
  }

  double pathLoss() {
    return pathLoss;
  }

  /** Learns the path's loss rate from a round the model says ran without a queue. */
  private void updatePathLoss() {
    long total = lossInRoundBytes + deliveredInRoundBytes;
    boolean stillGrowing = state == State.STARTUP && maxBw >= maxBwAtRoundStart * STARTUP_FULL_BW_GROWTH
        && maxBwAtRoundStart > 0;
    boolean belowModel = state == State.PROBE_BW_DOWN || state == State.PROBE_BW_CRUISE;
    maxBwAtRoundStart = maxBw;
    if (total <= 0 || !(stillGrowing || belowModel)) {
      return;
    }
    double roundLoss = (double) lossInRoundBytes / total;
    pathLossSamples++;
    double gain = Math.max(PATH_LOSS_GAIN, 1.0 / pathLossSamples);
    pathLoss += gain * (roundLoss - pathLoss);
  }

  private void adaptLowerBoundsFromCongestion() {
    if (isProbingBw() || !roundLossTooHigh()) {
      return;
    }
    if (bwLo == INFINITE) {
      bwLo = maxBw;
    }
    if (inflightLo == INFINITE) {
      inflightLo = cwnd;
    }
    bwLo = Math.max(bwLatest, (long) (BETA * bwLo));
    inflightLo = Math.max(inflightLatest, (long) (BETA * inflightLo));
  }

  private void resetLowerBounds() {
    bwLo = INFINITE;
    inflightLo = INFINITE;
  }

  private void resetCongestionSignals() {
    lossInRoundBytes = 0;
    deliveredInRoundBytes = 0;
    lossEventsInRound = 0;
    bwLatest = 0;
    inflightLatest = 0;
  }

  private void updateAckAggregation(RateSample rs, long now) {
    long interval = now - extraAckedIntervalStart;
    long expected = (long) (bw * (interval / NANOS_PER_SECOND));
    if (extraAckedDelivered <= expected) {
      extraAckedDelivered = 0;
      extraAckedIntervalStart = now;
      expected = 0;
    }
    extraAckedDelivered += rs.newlyAcked();
    long extra = Math.min(extraAckedDelivered - expected, cwnd);
    extraAckedFilter.update(extra, roundCount);
  }

  // --- Startup and Drain ---

  private void enterStartup() {
    state = State.STARTUP;
    pacingGain = STARTUP_PACING_GAIN;
    cwndGain = STARTUP_CWND_GAIN;
  }

  private void checkStartupDone(RateSample rs) {
    checkStartupFullBandwidth(rs);
    checkStartupHighLoss();
    if (state == State.STARTUP && filledPipe) {
      state = State.DRAIN;
      pacingGain = DRAIN_PACING_GAIN;
      cwndGain = STARTUP_CWND_GAIN;
    }
  }

  private void checkStartupFullBandwidth(RateSample rs) {
    if (filledPipe || !roundStart || rs.appLimited()) {
      return;
    }
    if (maxBw >= fullBw * STARTUP_FULL_BW_GROWTH) {
      fullBw = maxBw;
      fullBwCount = 0;
      return;
    }
    fullBwCount++;
    filledPipe = fullBwCount >= STARTUP_FULL_BW_ROUNDS;
  }

  private void checkStartupHighLoss() {
    if (state == State.STARTUP && !filledPipe && lossRoundStart
        && lossEventsInRound >= STARTUP_FULL_LOSS_COUNT && roundLossTooHigh()) {
      filledPipe = true;
      inflightHi = Math.max(bdp(maxBw, 1.0), inflightLatest);
    }
  }

  private void checkDrain(long now) {
    if (state == State.DRAIN && bytesInFlight <= inflight(maxBw, 1.0)) {
      startProbeBwDown(now);
    }
  }

  // --- ProbeBW ---

  private boolean isProbingBw() {
    return state == State.STARTUP || state == State.PROBE_BW_REFILL || state == State.PROBE_BW_UP;
  }

  private boolean isInProbeBw() {
    return state == State.PROBE_BW_DOWN || state == State.PROBE_BW_CRUISE
        || state == State.PROBE_BW_REFILL || state == State.PROBE_BW_UP;
  }

  private void startRound() {
    nextRoundDelivered = delivered;
  }

  private void startProbeBwDown(long now) {
    resetCongestionSignals();
    probeUpCount = INFINITE;
    // Draft BBRPickProbeWait: desynchronize flows sharing a bottleneck.
    roundsSinceBwProbe = nextRandom(2);
    bwProbeWait = PROBE_WAIT_BASE_NANOS + (long) (nextRandom(1000) * (PROBE_WAIT_RANDOM_NANOS / 1000.0));
    cycleStamp = now;
    ackPhase = AckPhase.PROBE_STOPPING;
    startRound();
    state = State.PROBE_BW_DOWN;
    pacingGain = PROBE_DOWN_PACING_GAIN;
    cwndGain = DEFAULT_CWND_GAIN;
  }

  private void startProbeBwCruise() {
    state = State.PROBE_BW_CRUISE;
    pacingGain = 1.0;
    cwndGain = DEFAULT_CWND_GAIN;
  }

  private void startProbeBwRefill() {
    resetLowerBounds();
    probeUpRounds = 0;
    probeUpAcks = 0;
    ackPhase = AckPhase.REFILLING;
    startRound();
    state = State.PROBE_BW_REFILL;
    pacingGain = 1.0;
    cwndGain = DEFAULT_CWND_GAIN;
  }

  private void startProbeBwUp(long now) {
    ackPhase = AckPhase.PROBE_STARTING;
    startRound();
    cycleStamp = now;
    state = State.PROBE_BW_UP;
    pacingGain = PROBE_UP_PACING_GAIN;
    cwndGain = PROBE_UP_CWND_GAIN;
    raiseInflightHiSlope();
  }

  private void updateProbeBwCyclePhase(RateSample rs, boolean cwndLimited, long now) {
    if (!filledPipe) {
      return;
    }
    adaptUpperBounds(rs, cwndLimited, now);
    if (!isInProbeBw()) {
      return;
    }
    switch (state) {
      case PROBE_BW_DOWN -> {
        if (checkTimeToProbeBw(now)) {
          return;
        }
        if (checkTimeToCruise()) {
          startProbeBwCruise();
        }
      }
      case PROBE_BW_CRUISE -> checkTimeToProbeBw(now);
      case PROBE_BW_REFILL -> {
        if (roundStart) {
          bwProbeSamples = true;
          startProbeBwUp(now);
        }
      }
      case PROBE_BW_UP -> {
        if (now - cycleStamp > minRtt && bytesInFlight > inflight(maxBw, PROBE_UP_PACING_GAIN)) {
          startProbeBwDown(now);
        }
      }
      default -> { }
    }
  }

  private boolean checkTimeToProbeBw(long now) {
    if (now - cycleStamp > bwProbeWait || isRenoCoexistenceProbeTime()) {
      startProbeBwRefill();
      return true;
    }
    return false;
  }

  /** Draft BBRIsRenoCoexistenceProbeTime: probe at least as often as Reno would fill this BDP. */
  private boolean isRenoCoexistenceProbeTime() {
    long renoRounds = bdp(maxBw, 1.0) / MSS;
    long rounds = Math.min(renoRounds, 63);
    return roundsSinceBwProbe >= rounds && rounds > 0 && renoRounds >= 63;
  }

  private boolean checkTimeToCruise() {
    if (bytesInFlight > inflightWithHeadroom()) {
      return false;
    }
    return bytesInFlight <= inflight(maxBw, 1.0);
  }

  private void adaptUpperBounds(RateSample rs, boolean cwndLimited, long now) {
    if (ackPhase == AckPhase.PROBE_STARTING && roundStart) {
      ackPhase = AckPhase.PROBE_FEEDBACK;
    }
    if (ackPhase == AckPhase.PROBE_STOPPING && roundStart) {
      bwProbeSamples = false;
      ackPhase = AckPhase.INIT;
      if (isInProbeBw() && !rs.appLimited()) {
        cycleCount++;
      }
    }
    if (isInflightTooHigh(rs)) {
      if (bwProbeSamples) {
        handleInflightTooHigh(rs.txInFlight(), rs.appLimited(), now);
      }
      return;
    }
    if (inflightHi == INFINITE) {
      return;
    }
    if (rs.txInFlight() > inflightHi) {
      inflightHi = rs.txInFlight();
    }
    if (state == State.PROBE_BW_UP) {
      probeInflightHiUpward(rs, cwndLimited);
    }
  }

  private boolean isInflightTooHigh(RateSample rs) {
    return lossExceedsPath(rs.lost(), rs.txInFlight());
  }

  private void handleInflightTooHigh(long txInFlight, boolean appLimited, long now) {
    bwProbeSamples = false;
    if (!appLimited) {
      inflightHi = Math.max(txInFlight, (long) (BETA * bdp(maxBw, 1.0)));
    }
    if (state == State.PROBE_BW_UP) {
      startProbeBwDown(now);
    }
  }

  private void probeInflightHiUpward(RateSample rs, boolean cwndLimited) {
    if (!cwndLimited || cwnd < inflightHi) {
      return;
    }
    probeUpAcks += rs.newlyAcked();
    if (probeUpAcks >= probeUpCount) {
      long delta = probeUpAcks / probeUpCount;
      probeUpAcks -= delta * probeUpCount;
      inflightHi += delta * MSS;
    }
    if (roundStart) {
      raiseInflightHiSlope();
    }
  }

  private void raiseInflightHiSlope() {
    long growthThisRound = (long) MSS << Math.min(probeUpRounds, 30);
    probeUpRounds = Math.min(probeUpRounds + 1, 30);
    probeUpCount = Math.max(cwnd / growthThisRound, 1) * MSS;
  }

  // --- ProbeRTT and the min RTT model ---

  private void updateMinRtt(RateSample rs, long now) {
    boolean probeRttExpired = now - probeRttMinStamp > PROBE_RTT_INTERVAL_NANOS;
    if (rs.rtt() >= 0 && (rs.rtt() < probeRttMinDelay || probeRttExpired)) {
      probeRttMinDelay = rs.rtt();
      probeRttMinStamp = now;
    }
    boolean minRttExpired = now - minRttStamp > MIN_RTT_FILTER_NANOS;
    if (probeRttMinDelay < minRtt || minRttExpired) {
      minRtt = probeRttMinDelay;
      minRttStamp = probeRttMinStamp;
    }
  }

  private void checkProbeRtt(RateSample rs, long now) {
    if (state != State.PROBE_RTT && now - probeRttMinStamp > PROBE_RTT_INTERVAL_NANOS
        && probeRttMinDelay != INFINITE) {
      priorCwnd = cwnd;
      state = State.PROBE_RTT;
      pacingGain = 1.0;
      cwndGain = PROBE_RTT_CWND_GAIN;
      probeRttDoneStamp = 0;
      ackPhase = AckPhase.PROBE_STOPPING;
      startRound();
    }
    if (state == State.PROBE_RTT) {
      handleProbeRtt(now);
    }
  }

  private void handleProbeRtt(long now) {
    if (probeRttDoneStamp == 0 && bytesInFlight <= probeRttCwnd()) {
      probeRttDoneStamp = now + PROBE_RTT_DURATION_NANOS;
      probeRttRoundDone = false;
      startRound();
    } else if (probeRttDoneStamp != 0) {
      if (roundStart) {
        probeRttRoundDone = true;
      }
      if (probeRttRoundDone && now > probeRttDoneStamp) {
        probeRttMinStamp = now;
        cwnd = Math.max(cwnd, priorCwnd);
        resetLowerBounds();
        if (filledPipe) {
          startProbeBwDown(now);
          startProbeBwCruise();
        } else {
          enterStartup();
        }
      }
    }
  }

  private long probeRttCwnd() {
    return Math.max(bdp(bw, PROBE_RTT_CWND_GAIN), MIN_PIPE_CWND);
  }

  // --- Control parameters ---

  private long bdp(long bandwidth, double gain) {
    if (minRtt == INFINITE) {
      return CongestionControl.INITIAL_WINDOW;
    }
    return (long) (gain * bandwidth * (minRtt / NANOS_PER_SECOND));
  }

  private long inflight(long bandwidth, double gain) {
    return quantizationBudget(bdp(bandwidth, gain));
  }

  private long quantizationBudget(long inflight) {
    long budget = Math.max(inflight, 3 * sendQuantum);
    budget = Math.max(budget, MIN_PIPE_CWND);
    if (state == State.PROBE_BW_UP) {
      budget += 2L * MSS;
    }
    return budget;
  }

  private long inflightWithHeadroom() {
    if (inflightHi == INFINITE) {
      return INFINITE;
    }
    long headroom = Math.max(MSS, (long) (HEADROOM * inflightHi));
    return Math.max(inflightHi - headroom, MIN_PIPE_CWND);
  }

  private void setPacingRate() {
    if (bw == 0) {
      return;
    }
    long rate = (long) (pacingGain * bw * (1 - PACING_MARGIN));
    if (filledPipe || rate > pacingRate) {
      pacingRate = rate;
    }
  }

  private void setSendQuantum() {
    long quantum = pacingRate / 1000; // 1 ms at the pacing rate
    sendQuantum = Math.max(Math.min(quantum, MAX_SEND_QUANTUM), 2L * MSS);
  }

  /**
   * Window allowance for ACK aggregation: the filtered extra-acked estimate, once the pipe is
   * full, at most {@link #EXTRA_ACKED_MAX_NANOS} of sending at the estimated bandwidth (as Linux
   * BBR bounds it; an unbounded estimate inflates the window into a standing queue).
   */
  private long ackAggregationCwnd() {
    if (!filledPipe) {
      return 0;
    }
    long cap = (long) (bw * (EXTRA_ACKED_MAX_NANOS / NANOS_PER_SECOND));
    return Math.min(extraAckedFilter.get(roundCount), cap);
  }

  private void setCwnd(RateSample rs) {
    long maxInflight = quantizationBudget(bdp(bw, cwndGain) + ackAggregationCwnd());
    if (filledPipe) {
      cwnd = Math.min(cwnd + rs.newlyAcked(), maxInflight);
    } else if (cwnd < maxInflight || delivered < CongestionControl.INITIAL_WINDOW) {
      cwnd = cwnd + rs.newlyAcked();
    }
    cwnd = Math.max(cwnd, MIN_PIPE_CWND);
    if (state == State.PROBE_RTT) {
      cwnd = Math.min(cwnd, probeRttCwnd());
    }
    long cap = INFINITE;
    if (isInProbeBw() && state != State.PROBE_BW_CRUISE) {
      cap = inflightHi;
    } else if (state == State.PROBE_RTT || state == State.PROBE_BW_CRUISE) {
      cap = inflightWithHeadroom();
    }
    cap = Math.min(cap, inflightLo);
    cap = Math.max(cap, MIN_PIPE_CWND);
    cwnd = Math.min(cwnd, cap);
  }

  private long nextRandom(int bound) {
    return random.nextInt(bound);
  }
}
