package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Acknowledges packet numbers as ranges, newest first, with the delay the receiver added
 * (RFC 9000 19.3, with fixed-width fields).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x02)  |        Largest Acknowledged (64) ...          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |           Ack Delay, microseconds (32)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |  Range Count  |    First Range Length (32)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              ...              |  Range Count x (Gap (32), Length (32))
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The first range is {@code [largest - firstLength, largest]}. Each further range lies below
 * the previous one: {@code gap + 1} packets are missing between them and it holds
 * {@code length + 1} packets, exactly RFC 9000's arithmetic.
 *
 * @param ackDelayMicros how long the receiver held the acknowledgement of the largest packet
 * @param ranges newest first, disjoint and non-adjacent, at most {@link #MAX_RANGES}
 */
public record AckFrame(long ackDelayMicros, List<PacketRange> ranges) implements Frame {
  public static final int TYPE_OFFSET = 0;
  public static final int LARGEST_OFFSET = 1;
  public static final int LARGEST_SIZE = 8;
  public static final int ACK_DELAY_OFFSET = LARGEST_OFFSET + LARGEST_SIZE;
  public static final int ACK_DELAY_SIZE = 4;
  public static final int RANGE_COUNT_OFFSET = ACK_DELAY_OFFSET + ACK_DELAY_SIZE;
  public static final int RANGE_COUNT_SIZE = 1;
  public static final int FIRST_RANGE_OFFSET = RANGE_COUNT_OFFSET + RANGE_COUNT_SIZE;
  public static final int FIRST_RANGE_SIZE = 4;
  /** Bytes before the additional ranges. */
  public static final int FIXED_SIZE = FIRST_RANGE_OFFSET + FIRST_RANGE_SIZE;
  public static final int GAP_SIZE = 4;
  public static final int LENGTH_SIZE = 4;
  public static final int RANGE_SIZE = GAP_SIZE + LENGTH_SIZE;
  /** Ranges per ACK (first + additional): bounds the frame at 18 + 31 x 8 = 266 bytes. */
  public static final int MAX_RANGES = 32;
  private static final long MAX_U32 = 0xFFFF_FFFFL;

  public AckFrame {
    ranges = List.copyOf(ranges);
    if (ranges.isEmpty() || ranges.size() > MAX_RANGES) {
      throw new IllegalArgumentException("an ACK has 1.." + MAX_RANGES + " ranges, got " + ranges.size());
    }
    if (ackDelayMicros < 0) {
      throw new IllegalArgumentException("negative ack delay");
    }
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i).last() + 1 >= ranges.get(i - 1).first()) {
        throw new IllegalArgumentException("ACK ranges must be descending with gaps: " + ranges);
      }
    }
  }

  public long largest() {
    return ranges.get(0).last();
  }

  @Override
  public FrameType type() {
    return FrameType.ACK;
  }

  @Override
  public int encodedSize() {
    return FIXED_SIZE + (ranges.size() - 1) * RANGE_SIZE;
  }

  @Override
  public boolean ackEliciting() {
    return false;
  }

  @Override
  public void encode(ByteBuffer out) {
    PacketRange first = ranges.get(0);
    out.put((byte) FrameType.ACK.wire());
    out.putLong(first.last());
    out.putInt((int) Math.min(ackDelayMicros, MAX_U32));
    out.put((byte) (ranges.size() - 1));
    out.putInt((int) Math.min(first.last() - first.first(), MAX_U32));
    long previousFirst = first.first();
    for (int i = 1; i < ranges.size(); i++) {
      PacketRange r = ranges.get(i);
      out.putInt((int) (previousFirst - r.last() - 2));
      out.putInt((int) (r.last() - r.first()));
      previousFirst = r.first();
    }
  }

  static AckFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, FIXED_SIZE - 1, FrameType.ACK);
    long largest = in.getLong();
    long delay = in.getInt() & MAX_U32;
    int extra = in.get() & 0xff;
    long firstLength = in.getInt() & MAX_U32;
    if (largest < 0) {
      throw new FrameException(FrameError.INVALID_FIELD, "ACK largest is negative");
    }
    if (extra + 1 > MAX_RANGES) {
      throw new FrameException(FrameError.INVALID_FIELD, "ACK has " + (extra + 1) + " ranges, at most " + MAX_RANGES);
    }
    FrameException.need(in, extra * RANGE_SIZE, FrameType.ACK);
    if (firstLength > largest) {
      throw new FrameException(FrameError.INVALID_FIELD, "ACK first range goes below 0");
    }
    List<PacketRange> ranges = new ArrayList<>(extra + 1);
    long first = largest - firstLength;
    ranges.add(new PacketRange(first, largest));
    for (int i = 0; i < extra; i++) {
      long gap = in.getInt() & MAX_U32;
      long length = in.getInt() & MAX_U32;
      long last = first - gap - 2;
      if (last < 0 || length > last) {
        throw new FrameException(FrameError.INVALID_FIELD, "ACK range goes below 0");
      }
      first = last - length;
      ranges.add(new PacketRange(first, last));
    }
    return new AckFrame(delay, ranges);
  }
}
