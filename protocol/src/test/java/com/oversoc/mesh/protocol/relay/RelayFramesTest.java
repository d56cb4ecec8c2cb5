package com.oversoc.mesh.protocol.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrame.ForwardPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.Health;
import com.oversoc.mesh.protocol.relay.RelayFrame.KeepAlive;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerGone;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerPresent;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.Pong;
import com.oversoc.mesh.protocol.relay.RelayFrame.RecvPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayFrameException.Problem;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RelayFramesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final NodePublicKey A = key(0xa1);
  private static final NodePublicKey B = key(0xb2);
  private static final MeshKey MESH = new MeshKey(filled(0x5e));

  static NodePublicKey key(int fill) {
    return new NodePublicKey(filled(fill));
  }

  static byte[] filled(int fill) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  static List<RelayFrame> oneOfEach() {
    return List.of(
        new ClientInfo(1, true),
        new ServerInfo(1, Duration.ofSeconds(60), 12_500_000, 1 << 20),
        new SendPacket(B, new byte[] {1, 2, 3}),
        new RecvPacket(A, new byte[RelayProtocol.MAX_PACKET]),
        new ForwardPacket(A, B, new byte[] {9}),
        new KeepAlive(),
        new Ping(0x0102030405060708L),
        new Pong(-1L),
        new PeerPresent(A),
        new PeerGone(B, PeerGoneReason.REVOKED),
        new Health("another connection uses this key"),
        new Health(""),
        new ServerRestarting(Duration.ofSeconds(5), Duration.ofSeconds(30)),
        new Closing(CloseReason.NOT_ENROLLED, "key is not active; enroll this node"),
        new MeshHello(1, MESH));
  }

  @Test
  void everyFrameTypeRoundTripsExactly() {
    List<RelayFrame> frames = oneOfEach();
    assertEquals(FrameType.values().length,
        frames.stream().map(RelayFrame::type).distinct().count(), "one example per frame type");
    for (RelayFrame f : frames) {
      byte[] wire = RelayFrames.encode(f);
      assertEquals(RelayFrames.encodedLength(f), wire.length);
      RelayFrame back = RelayFrames.decode(ByteBuffer.wrap(wire));
      if (f instanceof MeshHello m) {
        assertTrue(back instanceof MeshHello h && h.meshKey().matches(m.meshKey()) && h.version() == m.version());
      } else {
        assertEquals(f, back, f.type().toString());
      }
    }
  }

  @Test
  void layoutsAreTheDocumentedBytes() {
    assertEquals("01" + "00000002" + "01" + "01", HEX.formatHex(RelayFrames.encode(new ClientInfo(1, true))));
    assertEquals("03" + "00000023" + "b2".repeat(32) + "010203",
        HEX.formatHex(RelayFrames.encode(new SendPacket(B, new byte[] {1, 2, 3}))));
    assertEquals("11" + "00000041" + "a1".repeat(32) + "b2".repeat(32) + "09",
        HEX.formatHex(RelayFrames.encode(new ForwardPacket(A, B, new byte[] {9}))));
    assertEquals("09" + "00000021" + "b2".repeat(32) + "00",
        HEX.formatHex(RelayFrames.encode(new PeerGone(B, PeerGoneReason.DISCONNECTED))));
    assertEquals("0b" + "00000008" + "00001388" + "00007530",
        HEX.formatHex(RelayFrames.encode(new ServerRestarting(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
    assertEquals("02" + "0000000d" + "01" + "0000ea60" + "00000000" + "00010000",
        HEX.formatHex(RelayFrames.encode(new ServerInfo(1, Duration.ofSeconds(60), 0, 65536))));
    assertEquals("05" + "00000000", HEX.formatHex(RelayFrames.encode(new KeepAlive())));
  }

  @Test
  void anOversizedHeaderIsRefusedBeforeItsPayloadIsRead() {
    // Only the 5 header bytes exist: the decoder must refuse on the header alone.
    RelayFrameException e = assertThrows(RelayFrameException.class,
        () -> RelayFrames.checkHeader(FrameType.SEND_PACKET.code(), 0xffff_ffffL));
    assertEquals(Problem.TOO_LARGE, e.problem());
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
    assertEquals(Problem.TOO_LARGE, assertThrows(RelayFrameException.class,
        () -> RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("03" + "00010001")))).problem());
    // The cap itself is accepted for the type that may reach it.
    assertEquals(FrameType.FORWARD_PACKET, RelayFrames.checkHeader(0x11, RelayProtocol.MAX_FRAME_PAYLOAD));
  }

  @Test
  void headerLengthOutsideTheTypesBoundsIsRefusedOnTheHeader() {
    assertEquals(Problem.BAD_LENGTH, assertThrows(RelayFrameException.class,
        () -> RelayFrames.checkHeader(FrameType.PING.code(), 9)).problem());
    assertEquals(Problem.BAD_LENGTH, assertThrows(RelayFrameException.class,
        () -> RelayFrames.checkHeader(FrameType.SEND_PACKET.code(), 32)).problem(), "a packet is at least one byte");
    assertEquals(Problem.BAD_LENGTH, assertThrows(RelayFrameException.class,
        () -> RelayFrames.checkHeader(FrameType.SEND_PACKET.code(), 32 + RelayProtocol.MAX_PACKET + 1)).problem());
  }

  @Test
  void unknownTypeIsTyped() {
    RelayFrameException e = assertThrows(RelayFrameException.class,
        () -> RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("7f00000000"))));
    assertEquals(Problem.UNKNOWN_TYPE, e.problem());
    assertEquals("unknown frame type 0x7f", e.getMessage());
  }

  @Test
  void payloadMustMatchTheHeaderExactly() {
    byte[] ping = RelayFrames.encode(new Ping(7));
    byte[] longer = Arrays.copyOf(ping, ping.length + 1);
    assertEquals(Problem.BAD_LENGTH,
        assertThrows(RelayFrameException.class, () -> RelayFrames.decode(ByteBuffer.wrap(longer))).problem());
    byte[] shorter = Arrays.copyOf(ping, ping.length - 1);
    assertEquals(Problem.BAD_LENGTH,
        assertThrows(RelayFrameException.class, () -> RelayFrames.decode(ByteBuffer.wrap(shorter))).problem());
    assertEquals(Problem.BAD_LENGTH,
        assertThrows(RelayFrameException.class, () -> RelayFrames.decode(ByteBuffer.wrap(new byte[4]))).problem());
  }

  @Test
  void fieldValuesAreChecked() {
    // Version 0 in CLIENT_INFO.
    assertEquals(Problem.BAD_VALUE, assertThrows(RelayFrameException.class,
        () -> RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("01000000020000")))).problem());
    // Unknown PEER_GONE reason.
    assertEquals(Problem.BAD_VALUE, assertThrows(RelayFrameException.class,
        () -> RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("0900000021" + "00".repeat(32) + "77")))).problem());
    // Unknown CLOSING reason.
    assertEquals(Problem.BAD_VALUE, assertThrows(RelayFrameException.class,
        () -> RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("0c00000001" + "ee")))).problem());
    // HEALTH text that is not UTF-8.
    RelayFrameException utf8 = assertThrows(RelayFrameException.class,
        () -> RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("0a00000002" + "c328"))));
    assertEquals(Problem.BAD_VALUE, utf8.problem());
    assertEquals("HEALTH text is not valid UTF-8", utf8.getMessage());
  }

  @Test
  void unknownClientInfoFlagsAreIgnoredAsDocumented() {
    RelayFrame f = RelayFrames.decode(ByteBuffer.wrap(HEX.parseHex("0100000002" + "01" + "fe")));
    assertEquals(new ClientInfo(1, false), f);
  }

  @Test
  void constructorsRefuseWhatCouldNotBeEncoded() {
    assertThrows(IllegalArgumentException.class, () -> new SendPacket(A, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new SendPacket(A, new byte[RelayProtocol.MAX_PACKET + 1]));
    assertThrows(IllegalArgumentException.class, () -> new Health("x".repeat(RelayProtocol.MAX_TEXT_LENGTH + 1)));
    assertThrows(IllegalArgumentException.class, () -> new ServerRestarting(Duration.ofSeconds(-1), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new ClientInfo(256, false));
  }

  @Test
  void truncationKeepsWholeCharacters() {
    String text = "é".repeat(600); // 1200 bytes of UTF-8
    String cut = RelayFrames.truncateUtf8(text, RelayProtocol.MAX_TEXT_LENGTH);
    assertEquals(512, cut.length());
    new Closing(CloseReason.MALFORMED_FRAME, cut); // fits
    assertEquals("short", RelayFrames.truncateUtf8("short", 10));
  }

  @Test
  void secretsAndPacketsStayOutOfToString() {
    String hello = new MeshHello(1, MESH).toString();
    assertFalse(hello.contains(MESH.toBase64()), hello);
    assertEquals("MeshKey[redacted]", MESH.toString());
    String send = new SendPacket(B, new byte[] {0x41, 0x42}).toString();
    assertEquals("SendPacket[to " + B.shortString() + ", 2 bytes]", send);
  }

  @Test
  void meshKeysCompareByValue() {
    assertTrue(MESH.matches(new MeshKey(filled(0x5e))));
    assertFalse(MESH.matches(new MeshKey(filled(0x5f))));
    assertTrue(MESH.matches(MeshKey.parse(MESH.toBase64())));
  }

  @Test
  void packetFramesRoundTrip() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 300; i++) {
      byte[] packet = new byte[1 + random.nextInt(2000)];
      random.nextBytes(packet);
      byte[] keyBytes = new byte[32];
      random.nextBytes(keyBytes);
      NodePublicKey k = new NodePublicKey(keyBytes);
      for (RelayFrame f : List.of(new SendPacket(k, packet), new RecvPacket(k, packet), new ForwardPacket(k, A, packet))) {
        assertEquals(f, RelayFrames.decode(ByteBuffer.wrap(RelayFrames.encode(f))));
      }
    }
  }

  /**
   * Valid frames with one byte changed, and random noise, either decode to a frame that
   * re-encodes to the same bytes, or fail with a RelayFrameException: never anything else.
   */
  @Test
  void anyInputDecodesExactlyOrFailsTyped() {
    SplittableRandom random = new SplittableRandom(6);
    List<byte[]> valid = oneOfEach().stream().map(RelayFrames::encode).toList();
    int decoded = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = valid.get(random.nextInt(valid.size())).clone();
        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
      } else {
        input = new byte[random.nextInt(80)];
        random.nextBytes(input);
      }
      RelayFrame f;
      try {
        f = RelayFrames.decode(ByteBuffer.wrap(input));
      } catch (RelayFrameException expected) {
        continue;
      }
      decoded++;
      if (!(f instanceof ClientInfo)) { // reserved flag bits are ignored, so they may re-encode differently
        assertArrayEquals(input, RelayFrames.encode(f), f.toString());
      }
    }
    assertTrue(decoded > 1000, "mutations that stay valid are exercised too: " + decoded);
  }

  @Test
  void headerCheckNeverAcceptsMoreThanTheCap() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      int type = random.nextInt(256);
      long length = i % 2 == 0 ? random.nextLong(0, 1L << 32) : random.nextLong(0, RelayProtocol.MAX_FRAME_PAYLOAD + 2);
      try {
        FrameType t = RelayFrames.checkHeader(type, length);
        assertTrue(length <= RelayProtocol.MAX_FRAME_PAYLOAD && length >= t.minPayload() && length <= t.maxPayload());
      } catch (RelayFrameException expected) {
        assertTrue(length > RelayProtocol.MAX_FRAME_PAYLOAD || expected.problem() != Problem.TOO_LARGE);
      }
    }
  }
}
