package com.oversoc.mesh.sim.link;

/**
 * How one direction of a link behaves. Rates are of the datagrams the link carries (for the
 * transport: transport packets; the WireGuard and UDP/IP overheads are outside this model unless
 * {@code perPacketOverhead} adds them).
 *
 * @param bitsPerSecond bottleneck rate; 0 means unlimited
 * @param oneWayDelayNanos propagation delay
 * @param jitterNanos extra delay drawn uniformly from [0, jitter) per packet, order kept
 * @param lossRate probability a packet is dropped at random
 * @param duplicateRate probability a packet is delivered twice
 * @param reorderRate probability a packet is held back by {@code reorderDelayNanos}, letting later ones pass
 * @param reorderDelayNanos how long a reordered packet is held back
 * @param mtu largest datagram carried; larger ones are dropped
 * @param queueBytes bottleneck queue (drop-tail); 0 means unbounded
 * @param perPacketOverhead bytes added to each datagram for the rate (e.g. 80 for WireGuard + IPv6/UDP)
 */
public record LinkProfile(
    long bitsPerSecond,
    long oneWayDelayNanos,
    long jitterNanos,
    double lossRate,
    double duplicateRate,
    double reorderRate,
    long reorderDelayNanos,
    int mtu,
    long queueBytes,
    int perPacketOverhead) {

  public LinkProfile {
    if (bitsPerSecond < 0 || oneWayDelayNanos < 0 || jitterNanos < 0 || reorderDelayNanos < 0
        || mtu <= 0 || queueBytes < 0 || perPacketOverhead < 0) {
      throw new IllegalArgumentException("negative link parameter");
    }
    for (double p : new double[] {lossRate, duplicateRate, reorderRate}) {
      if (p < 0 || p > 1) {
        throw new IllegalArgumentException("probability out of [0, 1]: " + p);
      }
    }
  }

  /**
   * A link of {@code mbps} megabits per second and {@code rttMillis} round trip (half each way),
   * with a queue of one bandwidth-delay product (at least 64 packets), MTU 1280, no impairment.
   */
  public static LinkProfile of(double mbps, double rttMillis) {
    long bps = (long) (mbps * 1e6);
    long oneWay = (long) (rttMillis * 1e6 / 2);
    long bdp = (long) (bps / 8.0 * rttMillis / 1000.0);
    return new LinkProfile(bps, oneWay, 0, 0, 0, 0, 0, 1280, Math.max(bdp, 64 * 1280), 0);
  }

  public LinkProfile withLoss(double rate) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, jitterNanos, rate, duplicateRate, reorderRate,
        reorderDelayNanos, mtu, queueBytes, perPacketOverhead);
  }

  public LinkProfile withDuplication(double rate) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, jitterNanos, lossRate, rate, reorderRate,
        reorderDelayNanos, mtu, queueBytes, perPacketOverhead);
  }

  public LinkProfile withReordering(double rate, long delayNanos) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, jitterNanos, lossRate, duplicateRate, rate,
        delayNanos, mtu, queueBytes, perPacketOverhead);
  }

  public LinkProfile withJitter(long nanos) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, nanos, lossRate, duplicateRate, reorderRate,
        reorderDelayNanos, mtu, queueBytes, perPacketOverhead);
  }

  public LinkProfile withQueue(long bytes) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, jitterNanos, lossRate, duplicateRate, reorderRate,
        reorderDelayNanos, mtu, bytes, perPacketOverhead);
  }

  public LinkProfile withMtu(int bytes) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, jitterNanos, lossRate, duplicateRate, reorderRate,
        reorderDelayNanos, bytes, queueBytes, perPacketOverhead);
  }

  public LinkProfile withPerPacketOverhead(int bytes) {
    return new LinkProfile(bitsPerSecond, oneWayDelayNanos, jitterNanos, lossRate, duplicateRate, reorderRate,
        reorderDelayNanos, mtu, queueBytes, bytes);
  }
}
