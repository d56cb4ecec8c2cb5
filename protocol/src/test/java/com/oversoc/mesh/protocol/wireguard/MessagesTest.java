package com.oversoc.mesh.protocol.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void sizesAreWireGuards() {
    assertEquals(148, MessageType.HANDSHAKE_INITIATION.length());
    assertEquals(92, MessageType.HANDSHAKE_RESPONSE.length());
    assertEquals(64, MessageType.COOKIE_REPLY.length());
    assertEquals(32, MessageType.TRANSPORT_DATA.length());
    assertEquals(148, HandshakeInitiation.LENGTH);
    assertEquals(92, HandshakeResponse.LENGTH);
    assertEquals(64, CookieReply.LENGTH);
    assertEquals(32, TransportData.OVERHEAD);
  }

  @Test
  void initiationRoundTripsItsFields() throws MessageException {
    byte[] noise = new byte[HandshakeInitiation.NOISE_LENGTH];
    new Random(1).nextBytes(noise);
    HandshakeInitiation m = HandshakeInitiation.create(0xdeadbeef, noise);
    byte[] wire = m.toDatagram();
    assertEquals(148, wire.length);
    assertArrayEquals(new byte[] {1, 0, 0, 0}, java.util.Arrays.copyOf(wire, 4));
    assertArrayEquals(new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde}, java.util.Arrays.copyOfRange(wire, 4, 8),
        "indices are little-endian");
    HandshakeInitiation back = HandshakeInitiation.decode(wire, wire.length);
    assertEquals(0xdeadbeef, back.sender());
    assertArrayEquals(noise, back.noiseMessage());
  }

  @Test
  void responseRoundTripsItsFields() throws MessageException {
    byte[] noise = new byte[HandshakeResponse.NOISE_LENGTH];
    new Random(2).nextBytes(noise);
    byte[] wire = HandshakeResponse.create(7, 0x80000001, noise).toDatagram();
    HandshakeResponse back = HandshakeResponse.decode(wire, wire.length);
    assertEquals(7, back.sender());
    assertEquals(0x80000001, back.receiver());
    assertArrayEquals(noise, back.noiseMessage());
  }

  @Test
  void transportHeaderIsLittleEndian() {
    byte[] d = new byte[TransportData.messageLength(3)];
    TransportData.writeHeader(d, 0x01020304, 0x0102030405060708L);
    assertEquals(48, d.length, "3 bytes pad to 16, plus 32");
    assertArrayEquals(new byte[] {4, 0, 0, 0, 4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1}, java.util.Arrays.copyOf(d, 16));
    assertEquals(0x01020304, TransportData.receiver(d));
    assertEquals(0x0102030405060708L, TransportData.counter(d));
    assertEquals(0, TransportData.paddingFor(0));
    assertEquals(15, TransportData.paddingFor(1));
    assertEquals(0, TransportData.paddingFor(1184));
  }

  @Test
  void wrongLengthsAreOneTypedError() {
    for (MessageType t : new MessageType[] {MessageType.HANDSHAKE_INITIATION, MessageType.HANDSHAKE_RESPONSE, MessageType.COOKIE_REPLY}) {
      for (int len : new int[] {4, t.length() - 1, t.length() + 1, 2000}) {
        byte[] d = new byte[Math.max(len, 4)];
        d[0] = (byte) t.wire();
        MessageException e = assertThrows(MessageException.class, () -> decode(t, d, len), t + " " + len);
        assertEquals(MessageException.Reason.WRONG_LENGTH, e.reason(), e.getMessage());
      }
    }
    byte[] shortTransport = new byte[31];
    shortTransport[0] = 4;
    MessageException e = assertThrows(MessageException.class,
        () -> MessageType.of(shortTransport, 31).checkLength(31));
    assertEquals(MessageException.Reason.WRONG_LENGTH, e.reason());
  }

  @Test
  void unknownTypesAndNonzeroReservedBytesAreRefused() {
    for (byte[] d : new byte[][] {{0, 0, 0, 0}, {5, 0, 0, 0}, {1, 1, 0, 0}, {4, 0, 0, (byte) 0x80}, {(byte) 0xff, 0, 0, 0}}) {
      MessageException e = assertThrows(MessageException.class, () -> MessageType.of(d, d.length));
      assertEquals(MessageException.Reason.UNKNOWN_TYPE, e.reason());
    }
    MessageException e = assertThrows(MessageException.class, () -> MessageType.of(new byte[] {1, 0, 0}, 3));
    assertEquals(MessageException.Reason.TRUNCATED, e.reason());
  }

  @Test
  void aDecoderRefusesAnotherType() {
    byte[] d = new byte[148];
    d[0] = 2;
    assertThrows(MessageException.class, () -> HandshakeInitiation.decode(d, 148));
  }

  /** Arbitrary bytes: a typed MessageException or a message, never anything else. */
  @Property(tries = 2000)
  void arbitraryBytesNeverThrowAnythingButMessageException(@ForAll @Size(max = 300) byte[] bytes) {
    try {
      MessageType t = MessageType.of(bytes, bytes.length);
      t.checkLength(bytes.length);
      decode(t, bytes, bytes.length);
    } catch (MessageException expected) {
      // typed refusal
    }
  }

  private static Object decode(MessageType t, byte[] d, int len) throws MessageException {
    return switch (t) {
      case HANDSHAKE_INITIATION -> HandshakeInitiation.decode(d, len);
      case HANDSHAKE_RESPONSE -> HandshakeResponse.decode(d, len);
      case COOKIE_REPLY -> CookieReply.decode(d, len);
      case TRANSPORT_DATA -> {
        t.checkLength(len);
        yield TransportData.receiver(d);
      }
    };
  }
}
