package com.oversoc.mesh.protocol.transport.recovery;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.frame.AckFrame;
import com.oversoc.mesh.protocol.transport.frame.PacketRange;
import com.oversoc.mesh.protocol.transport.range.RangeSet;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9002 loss detection for one connection: keeps the sent packets, turns ACK frames into
 * acknowledged and lost packets (packet and time thresholds), runs the loss and probe timers
 * with exponential backoff, detects persistent congestion, and samples RTT and delivery rate.
 *
 * <pre>
 *   onPacketSent ──► log ──► onAck: newly acked ──► RTT ──► lost by threshold ──► rate sample
 *                                                            │
 *                        onTimeout: loss timer ──────────────┘   or PTO: ask for probes
 * </pre>
 */
public final class Recovery {
  /** What the connection does with the outcome; called synchronously, in this order per ACK. */
  public interface Listener {
    void onPacketAcked(SentPacket packet);

    /** {@code connectionLostBytes} includes this packet; {@code now} is when the loss was detected. */
    void onPacketLost(SentPacket packet, long connectionLostBytes, long now);

    /** Called once per ACK frame (and per loss timer) after all acks and losses of it. */
    void onAckProcessed(RateSample sample, long largestAckedTimeSent, long now);

    void onPersistentCongestion(long now);
  }

  /** The ACK acknowledges a packet number this side never sent. */
  public static final class InvalidAckException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidAckException(String message) {
      super(message, null, false, false);
    }
  }

  /** Cap of the adaptive packet threshold: beyond this much reordering, time decides. */
  static final int MAX_PACKET_THRESHOLD = 256;
  /** Cap of the adaptive time threshold, in eighths of an RTT (2 RTTs). */
  static final int MAX_TIME_THRESHOLD_NUM = 16;
  /** Declared-lost ranges remembered for spurious-loss detection. */
  static final int DECLARED_LOST_MEMORY = 64;

  private final SentPacketLog log = new SentPacketLog();
  private final RttEstimator rtt = new RttEstimator();
  private final DeliveryRateEstimator rate = new DeliveryRateEstimator();
  /** Acknowledged packet numbers at or above the log's base: ACKs repeat ranges, this skips them. */
  private final RangeSet acked = new RangeSet();
  private final Listener listener;
  private final long peerMaxAckDelay;

  private long nextPacketNumber;
  private long largestAcked = -1;
  private long bytesInFlight;
  private int ackElicitingInFlight;
  private long timeOfLastAckEliciting;
  private long lossTime;
  private int ptoCount;
  private int probesWanted;
  private long lostPackets;
  private long firstRttSampleTime = -1;
  /** Recently declared-lost packet numbers: an ACK for one of them reveals reordering. */
  private final RangeSet declaredLost = new RangeSet();
  private int packetThreshold = TransportSpec.PACKET_THRESHOLD;
  private int timeThresholdNum = TransportSpec.TIME_THRESHOLD_NUM;
  private long spuriousLosses;
  private final List<SentPacket> scratchLost = new ArrayList<>();
  private final List<SentPacket> pending = new ArrayList<>();
  private long ackTime;

  public Recovery(Listener listener, long peerMaxAckDelay) {
    this.listener = listener;
    this.peerMaxAckDelay = peerMaxAckDelay;
  }

  public RttEstimator rtt() {
    return rtt;
  }

  public long bytesInFlight() {
    return bytesInFlight;
  }

  public long lostPackets() {
    return lostPackets;
  }

  /** Probe packets the PTO asked for and that have not been sent yet. */
  public int probesWanted() {
    return probesWanted;
  }

  public void onProbeSent() {
    if (probesWanted > 0) {
      probesWanted--;
    }
  }

  /** Takes the next packet number; numbers are never reused. */
  public long takePacketNumber() {
    return nextPacketNumber++;
  }

  public void onPacketSent(SentPacket p, long now) {
    if (p.ackEliciting) {
      rate.onPacketSent(p, bytesInFlight, now);
      log.add(p);
      bytesInFlight += p.size;
      ackElicitingInFlight++;
      timeOfLastAckEliciting = now;
    }
  }

  /** The application had nothing to send although the congestion window allowed it. */
  public void onAppLimited() {
    rate.onAppLimited(bytesInFlight);
  }

  public void onAckReceived(AckFrame ack, long now) throws InvalidAckException {
    if (ack.largest() >= nextPacketNumber) {
      throw new InvalidAckException("ACK of packet " + ack.largest() + ", largest sent " + (nextPacketNumber - 1));
    }
    ackTime = now;
    SentPacket largestNewlyAcked = null;
    boolean anyAckEliciting = false;
    long floor = log.firstNumber();
    long end = log.endNumber();
    for (PacketRange r : ack.ranges()) {
      detectSpuriousLoss(r, ack.largest());
      long from = Math.max(r.first(), floor);
      long to = Math.min(r.last() + 1, end);
      if (from >= to) {
        continue;
      }
      // Iterate only numbers not acknowledged before: ACK frames repeat their ranges.
      acked.forEachGap(from, to, this::ackNumbers);
      acked.add(from, to);
    }
    if (pending.isEmpty()) {
      return;
    }
    for (SentPacket p : pending) {
      anyAckEliciting |= p.ackEliciting;
      if (largestNewlyAcked == null || p.packetNumber > largestNewlyAcked.packetNumber) {
        largestNewlyAcked = p;
      }
    }
    largestAcked = Math.max(largestAcked, ack.largest());
    if (largestNewlyAcked.packetNumber == ack.largest() && anyAckEliciting) {
      long ackDelay = Math.min(ack.ackDelayMicros() * 1000, peerMaxAckDelay);
      rtt.update(now - largestNewlyAcked.timeSent, ackDelay);
      if (firstRttSampleTime < 0) {
        firstRttSampleTime = now;
      }
    }
    detectLost(now);
    acked.removeBelow(log.firstNumber());
    ptoCount = 0;
    RateSample sample = rate.finishSample(rtt.min());
    listener.onAckProcessed(sample, largestNewlyAcked.timeSent, now);
    for (SentPacket p : pending) {
      listener.onPacketAcked(p);
    }
    pending.clear();
  }

  /**
   * An ACK for a packet already declared lost means the path reorders more than the thresholds
   * allow (RFC 9002 6.1 permits adapting them): widen the packet threshold to the observed
   * distance and the time threshold by 1/8 RTT per event, both capped, as RACK does.
   */
  private void detectSpuriousLoss(PacketRange r, long largest) {
    if (declaredLost.isEmpty() || r.last() < declaredLost.min() || r.first() >= declaredLost.maxExclusive()) {
      return;
    }
    long lowest = Long.MAX_VALUE;
    long count = 0;
    for (int i = 0; i < declaredLost.rangeCount(); i++) {
      long s = Math.max(declaredLost.start(i), r.first());
      long e = Math.min(declaredLost.end(i), r.last() + 1);
      if (s < e) {
        lowest = Math.min(lowest, s);
        count += e - s;
      }
    }
    if (count == 0) {
      return;
    }
    declaredLost.remove(r.first(), r.last() + 1);
    spuriousLosses += count;
    long distance = largest - lowest + 1;
    packetThreshold = (int) Math.min(Math.max(packetThreshold, distance), MAX_PACKET_THRESHOLD);
    timeThresholdNum = Math.min(timeThresholdNum + 1, MAX_TIME_THRESHOLD_NUM);
  }

  public long spuriousLosses() {
    return spuriousLosses;
  }

  private void ackNumbers(long from, long to) {
    for (long pn = from; pn < to; pn++) {
      SentPacket p = log.remove(pn);
      if (p != null) {
        rate.onPacketAcked(p, ackTime);
        bytesInFlight -= p.size;
        ackElicitingInFlight--;
        pending.add(p);
      }
    }
  }

  /** Earliest time {@link #onTimeout} must run, or {@link Long#MAX_VALUE}. */
  public long deadline() {
    if (lossTime != 0) {
      return lossTime;
    }
    if (ackElicitingInFlight == 0) {
      return Long.MAX_VALUE;
    }
    return timeOfLastAckEliciting + (rtt.probeTimeout(peerMaxAckDelay) << Math.min(ptoCount, 16));
  }

  public void onTimeout(long now) {
    if (lossTime != 0 && now >= lossTime) {
      detectLost(now);
      listener.onAckProcessed(rate.finishSample(rtt.min()), -1, now);
      return;
    }
    if (ackElicitingInFlight > 0 && now >= deadline()) {
      ptoCount++;
      probesWanted = 2;
    }
  }

  public int ptoCount() {
    return ptoCount;
  }

  /**
   * The datagram layer under the connection was remade (a new WireGuard session after the peer
   * lost the old one): what went out on the old one will never be acknowledged, and a probe
   * timeout backed off during the silence would wait seconds more. Probes go out now and the
   * backoff starts over, as a QUIC endpoint does once a new path is validated (RFC 9000 9.4).
   */
  public void resetProbeBackoff() {
    ptoCount = 0;
    if (ackElicitingInFlight > 0) {
      probesWanted = 2;
    }
  }

  private void detectLost(long now) {
    lossTime = 0;
    if (largestAcked < 0) {
      return;
    }
    long lossDelay = Math.max(
        Math.max(rtt.latest(), rtt.smoothed()) * timeThresholdNum / TransportSpec.TIME_THRESHOLD_DEN,
        TransportSpec.GRANULARITY_NANOS);
    long lostSendTime = now - lossDelay;
    // Packets are in send order, so both thresholds hold for a prefix of the log: stop at the
    // first packet that is not lost yet.
    long end = Math.min(log.endNumber(), largestAcked);
    for (long pn = log.firstNumber(); pn < end; pn++) {
      SentPacket p = log.get(pn);
      if (p == null) {
        continue;
      }
      if (p.timeSent <= lostSendTime || largestAcked - pn >= packetThreshold) {
        scratchLost.add(p);
      } else {
        lossTime = p.timeSent + lossDelay;
        break;
      }
    }
    if (scratchLost.isEmpty()) {
      return;
    }
    for (SentPacket p : scratchLost) {
      log.remove(p.packetNumber);
      bytesInFlight -= p.size;
      ackElicitingInFlight--;
      lostPackets++;
      declaredLost.add(p.packetNumber, p.packetNumber + 1);
      rate.onPacketLost(p);
      listener.onPacketLost(p, rate.lost(), now);
    }
    declaredLost.keepHighest(DECLARED_LOST_MEMORY);
    if (isPersistentCongestion(scratchLost)) {
      listener.onPersistentCongestion(now);
    }
    scratchLost.clear();
  }

  /**
   * RFC 9002 7.6: two lost ack-eliciting packets sent more than the persistent congestion
   * duration apart, with every packet between them lost too (numbers are consecutive here, so a
   * contiguous run of lost numbers is exactly that), all sent after the first RTT sample.
   */
  private boolean isPersistentCongestion(List<SentPacket> lost) {
    if (firstRttSampleTime < 0 || lost.size() < 2) {
      return false;
    }
    long duration = (rtt.smoothed() + Math.max(4 * rtt.variation(), TransportSpec.GRANULARITY_NANOS) + peerMaxAckDelay)
        * TransportSpec.PERSISTENT_CONGESTION_THRESHOLD;
    int runStart = 0;
    for (int i = 1; i <= lost.size(); i++) {
      boolean runEnds = i == lost.size() || lost.get(i).packetNumber != lost.get(i - 1).packetNumber + 1;
      if (runEnds) {
        SentPacket first = lost.get(runStart);
        SentPacket last = lost.get(i - 1);
        if (first.timeSent > firstRttSampleTime && last.timeSent - first.timeSent > duration) {
          return true;
        }
        runStart = i;
      }
    }
    return false;
  }
}
