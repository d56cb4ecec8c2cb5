package com.oversoc.mesh.protocol.transport.ack;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.frame.AckFrame;
import com.oversoc.mesh.protocol.transport.frame.PacketRange;
import com.oversoc.mesh.protocol.transport.range.RangeSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Received packet numbers and the ACK policy of RFC 9000 13.2. Memory is bounded: at most
 * {@link AckFrame#MAX_RANGES} ranges are kept; anything at or below {@link #floor()} (ranges
 * dropped for space, or known to the peer through an acknowledged ACK) is refused as old, which
 * is safe because the sender retransmits the frames of any packet it does not see acknowledged.
 */
public final class ReceivedPackets {
  private final RangeSet received = new RangeSet();
  private final long maxAckDelay;
  private long floor = -1;
  private long largest = -1;
  private long largestTime;
  private int ackElicitingSinceAck;
  private boolean ackNow;
  private long ackDeadline = Long.MAX_VALUE;

  public ReceivedPackets(long maxAckDelay) {
    this.maxAckDelay = maxAckDelay;
  }

  /**
   * Records a packet; returns false if it is a duplicate (or older than the floor) and must not
   * be processed.
   */
  public boolean onPacket(long packetNumber, boolean ackEliciting, long now) {
    if (packetNumber <= floor || received.contains(packetNumber)) {
      return false;
    }
    boolean outOfOrder = largest >= 0 && packetNumber != largest + 1;
    received.add(packetNumber, packetNumber + 1);
    if (received.rangeCount() > AckFrame.MAX_RANGES) {
      received.keepHighest(AckFrame.MAX_RANGES);
      floor = Math.max(floor, received.min() - 1);
    }
    if (packetNumber > largest) {
      largest = packetNumber;
      largestTime = now;
    }
    if (ackEliciting) {
      ackElicitingSinceAck++;
      // RFC 9000 13.2.1: a gap (new or filled) is news the sender needs now.
      if (outOfOrder || ackElicitingSinceAck >= TransportSpec.ACK_ELICITING_THRESHOLD) {
        ackNow = true;
      } else if (ackDeadline == Long.MAX_VALUE) {
        ackDeadline = now + maxAckDelay;
      }
    }
    return true;
  }

  /** True if an ack-eliciting packet is waiting for acknowledgement. */
  public boolean ackPending() {
    return ackElicitingSinceAck > 0;
  }

  /** True if an ACK must go out now rather than ride on the next packet. */
  public boolean ackDue(long now) {
    return ackPending() && (ackNow || now >= ackDeadline);
  }

  /** When the delayed ACK is due, or {@link Long#MAX_VALUE}. */
  public long ackDeadline() {
    return ackPending() ? (ackNow ? Long.MIN_VALUE : ackDeadline) : Long.MAX_VALUE;
  }

  /** The ACK frame describing what arrived, newest ranges first; only if something arrived. */
  public AckFrame buildAck(long now) {
    List<PacketRange> ranges = new ArrayList<>(received.rangeCount());
    for (int i = received.rangeCount() - 1; i >= 0; i--) {
      ranges.add(new PacketRange(received.start(i), received.end(i) - 1));
    }
    long delayMicros = Math.max(0, now - largestTime) / 1000;
    return new AckFrame(delayMicros, ranges);
  }

  public void onAckSent() {
    ackElicitingSinceAck = 0;
    ackNow = false;
    ackDeadline = Long.MAX_VALUE;
  }

  /** The peer has our ACK whose largest was {@code largestAcked}: stop repeating what it covered. */
  public void onAckAcknowledged(long largestAcked) {
    if (largestAcked > floor) {
      floor = largestAcked;
      received.removeBelow(largestAcked + 1);
    }
  }

  public long floor() {
    return floor;
  }

  public long largest() {
    return largest;
  }
}
