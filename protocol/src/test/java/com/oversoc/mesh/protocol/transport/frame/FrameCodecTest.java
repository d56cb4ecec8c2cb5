package com.oversoc.mesh.protocol.transport.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.TransportSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  static ByteBuffer packet(Frame... frames) {
    ByteBuffer buf = ByteBuffer.allocate(TransportSpec.MAX_PACKET_SIZE);
    PacketHeader.write(buf, 0x01020304, 77);
    for (Frame f : frames) {
      f.encode(buf);
    }
    return buf.flip();
  }

  @Test
  void everyFrameTypeRoundTrips() throws FrameException {
    List<Frame> frames = List.of(
        PingFrame.INSTANCE,
        new AckFrame(1234, List.of(new PacketRange(90, 100), new PacketRange(50, 80), new PacketRange(0, 0))),
        new StreamFrame(7, 1L << 40, true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII))),
        new StreamFrame(8, 0, false, ByteBuffer.allocate(0)),
        new ResetStreamFrame(9, 3, 4096),
        new StopSendingFrame(10, 0),
        new MaxDataFrame(1L << 33),
        new MaxStreamDataFrame(11, 65536),
        new MaxStreamsFrame(300),
        StreamOpenFrame.of(12, IpLiteral.parse("10.0.1.50"), 8443),
        StreamOpenFrame.of(13, IpLiteral.parse("fd7a::1"), 22),
        new StreamOpenResultFrame(12, 1),
        new CloseFrame(2, "credit exceeded: é"),
        new PaddingFrame(20));
    ByteBuffer p = packet(frames.toArray(Frame[]::new));
    assertEquals(frames, FrameDecoder.decodePacket(p));
    assertEquals(77, PacketHeader.packetNumber(p));
    assertEquals(0x01020304, PacketHeader.connectionId(p));
  }

  @Test
  void fieldsSitAtTheirDocumentedOffsets() {
    ByteBuffer buf = ByteBuffer.allocate(64);
    StreamFrame.writeHeader(buf, 0x0A0B0C0DL, 0x0102030405060708L, 0x1234, true);
    assertEquals(StreamFrame.HEADER_SIZE, buf.position());
    assertEquals(0x09, buf.get(StreamFrame.TYPE_OFFSET));
    assertEquals(0x0A0B0C0D, buf.getInt(StreamFrame.STREAM_ID_OFFSET));
    assertEquals(0x0102030405060708L, buf.getLong(StreamFrame.OFFSET_OFFSET));
    assertEquals(0x1234, buf.getShort(StreamFrame.LENGTH_OFFSET));

    ByteBuffer header = ByteBuffer.allocate(PacketHeader.SIZE);
    PacketHeader.write(header, 0xCAFEBABE, 5);
    assertEquals("01cafebabe0000000000000005", HexFormat.of().formatHex(header.array()));
    assertEquals(13, PacketHeader.SIZE);
  }

  @Test
  void ackEncodesRfc9000GapArithmetic() throws FrameException {
    AckFrame ack = new AckFrame(0, List.of(new PacketRange(10, 12), new PacketRange(5, 7)));
    ByteBuffer buf = ByteBuffer.allocate(ack.encodedSize());
    ack.encode(buf);
    assertEquals(12, buf.getLong(AckFrame.LARGEST_OFFSET));
    assertEquals(1, buf.get(AckFrame.RANGE_COUNT_OFFSET));
    assertEquals(2, buf.getInt(AckFrame.FIRST_RANGE_OFFSET)); // 10..12 is 3 packets
    assertEquals(1, buf.getInt(AckFrame.FIXED_SIZE)); // 8 and 9 missing: gap + 1 = 2
    assertEquals(2, buf.getInt(AckFrame.FIXED_SIZE + AckFrame.GAP_SIZE)); // 5..7
    buf.flip();
    buf.get();
    assertEquals(ack, AckFrame.decode(buf));
  }

  static FrameError errorOf(byte[] bytes) {
    return assertThrows(FrameException.class, () -> FrameDecoder.decodePacket(ByteBuffer.wrap(bytes))).error();
  }

  static byte[] withFrames(String hexFrames) {
    ByteBuffer buf = ByteBuffer.allocate(PacketHeader.SIZE + hexFrames.length() / 2);
    PacketHeader.write(buf, 1, 1);
    buf.put(HexFormat.of().parseHex(hexFrames));
    return buf.array();
  }

  @Test
  void malformedPacketsFailWithTypedErrors() {
    assertEquals(FrameError.PACKET_TOO_SHORT, errorOf(new byte[5]));
    assertEquals(FrameError.PACKET_TOO_LONG, errorOf(new byte[TransportSpec.MAX_PACKET_SIZE + 1]));
    byte[] v2 = withFrames("01");
    v2[0] = 2;
    assertEquals(FrameError.UNSUPPORTED_VERSION, errorOf(v2));
    assertEquals(FrameError.NO_FRAMES, errorOf(withFrames("")));
    assertEquals(FrameError.UNKNOWN_FRAME_TYPE, errorOf(withFrames("7f")));
    // STREAM claiming 16 data bytes with 2 present.
    assertEquals(FrameError.TRUNCATED, errorOf(withFrames("08" + "00000001" + "0000000000000000" + "0010" + "abcd")));
    // STREAM whose offset + length passes 2^62.
    assertEquals(FrameError.INVALID_FIELD, errorOf(withFrames("08" + "00000001" + "3fffffffffffffff" + "0001" + "00")));
    // ACK whose first range goes below packet 0.
    assertEquals(FrameError.INVALID_FIELD, errorOf(withFrames("02" + "0000000000000003" + "00000000" + "00" + "00000005")));
    // ACK with more ranges than allowed.
    assertEquals(FrameError.INVALID_FIELD, errorOf(withFrames("02" + "00000000000000ff" + "00000000" + "40" + "00000000")));
    // CLOSE with a reason longer than allowed, and with bytes that are not UTF-8.
    assertEquals(FrameError.INVALID_FIELD, errorOf(withFrames("1c" + "0001" + "0101")));
    assertEquals(FrameError.INVALID_FIELD, errorOf(withFrames("1c" + "0001" + "0002" + "c328")));
    // STREAM_OPEN with an address longer than 16 bytes.
    assertEquals(FrameError.INVALID_FIELD, errorOf(withFrames("20" + "00000001" + "01bb" + "11")));
    // A valid frame followed by a truncated one: the whole packet fails.
    assertEquals(FrameError.TRUNCATED, errorOf(withFrames("01" + "10" + "0000")));
  }

  @Test
  void streamOpenWithAnOddAddressLengthDecodesSoTheStreamCanBeRefused() throws FrameException {
    List<Frame> frames = FrameDecoder.decodePacket(ByteBuffer.wrap(withFrames("20" + "00000003" + "01bb" + "05" + "0102030405")));
    StreamOpenFrame open = (StreamOpenFrame) frames.get(0);
    assertEquals(3, open.streamId());
    assertTrue(open.target().isEmpty());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, open.address());
  }

  @Test
  void longCloseReasonsAreCutAtACharacterBoundary() throws FrameException {
    CloseFrame f = new CloseFrame(1, "é".repeat(200));
    assertTrue(f.encodedSize() <= CloseFrame.FIXED_SIZE + CloseFrame.MAX_REASON_BYTES);
    assertEquals(f, FrameDecoder.decodePacket(packet(f)).get(0));
  }

  @Test
  void unknownResultAndErrorCodesMapToUnrecognizedNotFailure() {
    assertEquals(com.oversoc.mesh.protocol.transport.stream.StreamOpenResult.UNRECOGNIZED,
        com.oversoc.mesh.protocol.transport.stream.StreamOpenResult.fromWire(40_000));
    assertEquals(com.oversoc.mesh.protocol.transport.stream.StreamOpenResult.POLICY_DENIED,
        com.oversoc.mesh.protocol.transport.stream.StreamOpenResult.fromWire(1));
  }
}
