package com.oversoc.mesh.protocol.transport.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The frame decoder against arbitrary input: it either decodes or fails with a typed
 * {@link FrameException}, never anything else, and never allocates more than a bound set by the
 * packet limit (lengths read from the wire do not size allocations).
 */
class FrameDecoderPropertiesTest {
  /**
   * Allocation allowed for decoding one packet of at most 1200 bytes: the frame objects and the
   * list that holds them. The worst packet (a header and 1187 one-byte PINGs) allocated 19,608
   * bytes on JDK 25; a decoder that sized anything by a length read from the wire (a STREAM frame may
   * claim 65,535 bytes, a CLOSE reason 65,535) would allocate at least 64 KiB and fail this.
   */
  static final long MAX_DECODE_ALLOCATION = 32L * 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Property(tries = 3000)
  void arbitraryBytesDecodeOrFailTyped(@ForAll @Size(max = 1300) byte[] bytes) {
    decodeTypedOrNothing(bytes);
  }

  /** Valid headers with random frame bytes reach deep into every frame decoder. */
  @Property(tries = 3000)
  void arbitraryFramesAfterAValidHeaderDecodeOrFailTyped(
      @ForAll("frameTypeBytes") byte type, @ForAll @Size(max = 1187) byte[] rest) {
    ByteBuffer buf = ByteBuffer.allocate(Math.min(TransportSpec.MAX_PACKET_SIZE, PacketHeader.SIZE + 1 + rest.length));
    PacketHeader.write(buf, 1, 2);
    buf.put(type);
    buf.put(rest, 0, buf.remaining());
    decodeTypedOrNothing(buf.array());
  }

  @Provide
  Arbitrary<Byte> frameTypeBytes() {
    List<Byte> types = new ArrayList<>();
    for (FrameType t : FrameType.values()) {
      types.add((byte) t.wire());
    }
    types.add((byte) (FrameType.STREAM.wire() | FrameType.STREAM_FIN_BIT));
    return Arbitraries.oneOf(Arbitraries.of(types), Arbitraries.bytes());
  }

  private static void decodeTypedOrNothing(byte[] bytes) {
    decodeOnce(bytes);
    // Measure the second decode of the same bytes: the first may load classes on a new path.
    long before = THREADS.getCurrentThreadAllocatedBytes();
    decodeOnce(bytes);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated <= MAX_DECODE_ALLOCATION, "decoding " + bytes.length + " bytes allocated " + allocated);
  }

  private static void decodeOnce(byte[] bytes) {
    try {
      List<Frame> frames = FrameDecoder.decodePacket(ByteBuffer.wrap(bytes));
      assertTrue(!frames.isEmpty());
    } catch (FrameException e) {
      assertTrue(e.error() != null);
    }
  }

  /** The most frames a packet can hold, and lengths on the wire far beyond the packet, stay within the bound. */
  @org.junit.jupiter.api.Test
  void theWorstPacketsStayWithinTheAllocationBound() {
    ByteBuffer pings = ByteBuffer.allocate(TransportSpec.MAX_PACKET_SIZE);
    PacketHeader.write(pings, 1, 2);
    while (pings.hasRemaining()) {
      pings.put((byte) FrameType.PING.wire());
    }
    decodeTypedOrNothing(pings.array());
    ByteBuffer liar = ByteBuffer.allocate(TransportSpec.MAX_PACKET_SIZE);
    PacketHeader.write(liar, 1, 2);
    liar.put((byte) FrameType.STREAM.wire()).putInt(4).putLong(0).putShort((short) 0xffff); // claims 65,535 bytes
    decodeTypedOrNothing(liar.array());
    ByteBuffer close = ByteBuffer.allocate(TransportSpec.MAX_PACKET_SIZE);
    PacketHeader.write(close, 1, 2);
    close.put((byte) FrameType.CLOSE.wire()).putShort((short) 0).putShort((short) 0xffff); // a 65,535-byte reason
    decodeTypedOrNothing(close.array());
  }

  @Property(tries = 1000)
  void encodedFramesDecodeToThemselves(@ForAll("frameLists") List<Frame> frames) throws FrameException {
    ByteBuffer buf = ByteBuffer.allocate(8 * TransportSpec.MAX_PACKET_SIZE);
    PacketHeader.write(buf, 9, 10);
    for (Frame f : frames) {
      f.encode(buf);
    }
    buf.flip();
    if (buf.remaining() > TransportSpec.MAX_PACKET_SIZE) {
      return; // would never be sent
    }
    assertEquals(frames, FrameDecoder.decodePacket(buf));
  }

  @Provide
  Arbitrary<List<Frame>> frameLists() {
    Arbitrary<Long> ids = Arbitraries.longs().between(0, TransportSpec.MAX_STREAM_ID);
    Arbitrary<Long> sizes = Arbitraries.longs().between(0, StreamFrame.MAX_STREAM_OFFSET - 2000);
    Arbitrary<Integer> codes = Arbitraries.integers().between(0, 0xffff);
    Arbitrary<Frame> frame = Arbitraries.oneOf(
        Arbitraries.just(PingFrame.INSTANCE),
        Combinators.combine(ids, sizes, Arbitraries.bytes().array(byte[].class).ofMaxSize(300), Arbitraries.of(true, false))
            .as((id, off, data, fin) -> new StreamFrame(id, off, fin, ByteBuffer.wrap(data))),
        Combinators.combine(ids, codes, sizes).as(ResetStreamFrame::new),
        Combinators.combine(ids, codes).as(StopSendingFrame::new),
        sizes.map(MaxDataFrame::new),
        Combinators.combine(ids, sizes).as(MaxStreamDataFrame::new),
        sizes.map(MaxStreamsFrame::new),
        Combinators.combine(ids, Arbitraries.integers().between(0, 0xffff),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(16)).as(StreamOpenFrame::new),
        Combinators.combine(ids, codes).as(StreamOpenResultFrame::new),
        Combinators.combine(codes, Arbitraries.strings().ofMaxLength(100)).as(CloseFrame::new),
        ackFrames());
    return frame.list().ofMinSize(1).ofMaxSize(6);
  }

  private Arbitrary<Frame> ackFrames() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 1L << 40),
            Arbitraries.longs().between(1, 50).list().ofMinSize(1).ofMaxSize(AckFrame.MAX_RANGES * 2),
            Arbitraries.longs().between(0, 1_000_000))
        .as((largest, lengths, delay) -> {
          List<PacketRange> ranges = new ArrayList<>();
          long top = largest + 1000;
          for (int i = 0; i + 1 < lengths.size() && ranges.size() < AckFrame.MAX_RANGES; i += 2) {
            long first = top - lengths.get(i);
            if (first < 0) {
              break;
            }
            ranges.add(new PacketRange(first, top));
            top = first - 1 - lengths.get(i + 1);
            if (top < 0) {
              break;
            }
          }
          if (ranges.isEmpty()) {
            ranges.add(new PacketRange(largest, largest));
          }
          return new AckFrame(delay, ranges);
        });
  }
}
