package com.oversoc.mesh.protocol.transport.recovery;

import java.util.List;

/**
 * What the sender remembers about one packet until it is acknowledged or declared lost: its
 * size and time for recovery, the connection's delivery state at send time for rate sampling,
 * and what it carried so that the connection can resend or retire it.
 */
public final class SentPacket {
  public final long packetNumber;
  public final long timeSent;
  public final int size;
  public final boolean ackEliciting;
  /** What the packet carried that matters if it is lost or acknowledged. */
  public final List<SentFrame> frames;

  // Delivery-rate state at send time (draft-cheng-iccrg-delivery-rate-estimation 3.2).
  long delivered;
  long deliveredTime;
  long firstSentTime;
  boolean appLimited;
  /** Bytes in flight when this packet was sent, itself included. */
  long txInFlight;
  /** Bytes the connection had declared lost when this packet was sent. */
  long lostAtSend;

  public SentPacket(long packetNumber, long timeSent, int size, boolean ackEliciting, List<SentFrame> frames) {
    this.packetNumber = packetNumber;
    this.timeSent = timeSent;
    this.size = size;
    this.ackEliciting = ackEliciting;
    this.frames = frames;
  }

  public long txInFlight() {
    return txInFlight;
  }

  public long lostAtSend() {
    return lostAtSend;
  }

  public boolean appLimited() {
    return appLimited;
  }
}
