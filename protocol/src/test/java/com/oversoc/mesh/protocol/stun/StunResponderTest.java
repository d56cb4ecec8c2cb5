package com.oversoc.mesh.protocol.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunAttribute.AddressKind;
import com.oversoc.mesh.protocol.stun.StunAttribute.ChangeRequest;
import com.oversoc.mesh.protocol.stun.StunAttribute.ErrorCode;
import com.oversoc.mesh.protocol.stun.StunAttribute.UnknownAttributes;
import com.oversoc.mesh.protocol.stun.StunResponder.Outcome;
import com.oversoc.mesh.protocol.stun.StunResponder.Reply;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StunResponderTest {
  private static final TransportAddress CLIENT = new TransportAddress(IpLiteral.parse("198.51.100.7"), 40123);
  private static final TransportAddress SERVER = new TransportAddress(IpLiteral.parse("203.0.113.5"), 3478);
  private final StunResponder responder = new StunResponder("ovsgw test", Optional.of(SERVER));

  private StunMessage answer(byte[] request, Outcome expected) {
    Reply r = responder.answer(request, request.length, CLIENT);
    assertEquals(expected, r.outcome());
    byte[] reply = r.reply().orElseThrow();
    return StunCodec.decode(reply, reply.length);
  }

  @Test
  void bindingRequestGetsTheSourceAddressXoredWithFingerprint() {
    TransactionId id = TransactionId.random(new SplittableRandom(1));
    StunMessage m = answer(StunCodec.encode(StunMessage.bindingRequest(id)), Outcome.ANSWERED);
    assertEquals(StunClass.SUCCESS_RESPONSE, m.messageClass());
    assertEquals(id, m.transactionId());
    assertTrue(m.fingerprinted());
    assertEquals(CLIENT, m.address(AddressKind.XOR_MAPPED).orElseThrow());
    assertTrue(m.address(AddressKind.MAPPED).isEmpty(), "RFC 8489 clients get only the XORed form");
    assertTrue(m.address(AddressKind.SOURCE).isEmpty());
  }

  @Test
  void ipv6ClientsGetTheirAddressBack() {
    TransportAddress v6 = new TransportAddress(IpLiteral.parse("2001:db8::42"), 5);
    byte[] request = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new SplittableRandom(2))));
    byte[] reply = responder.answer(request, request.length, v6).reply().orElseThrow();
    assertEquals(v6, StunCodec.decode(reply, reply.length).mappedAddress().orElseThrow());
  }

  @Test
  void rfc3489ClientsGetMappedSourceAndChangedAddressAndTheirWholeId() {
    // Classic request: no magic cookie; the 16 bytes after the length are the transaction id.
    byte[] request = HexFormat.of().parseHex("00010008" + "0102030405060708090a0b0c0d0e0f10" + "00030004" + "00000000");
    StunMessage m = answer(request, Outcome.ANSWERED);
    assertTrue(m.isClassic());
    assertArrayEquals(Arrays.copyOfRange(request, 4, 20), Arrays.copyOfRange(
        StunCodec.encode(m), 4, 20), "the 128-bit RFC 3489 id is echoed");
    assertFalse(m.fingerprinted(), "RFC 3489 has no FINGERPRINT");
    assertEquals(CLIENT, m.address(AddressKind.MAPPED).orElseThrow());
    assertEquals(SERVER, m.address(AddressKind.SOURCE).orElseThrow());
    assertEquals(SERVER, m.address(AddressKind.CHANGED).orElseThrow());
    assertTrue(m.address(AddressKind.XOR_MAPPED).isEmpty(), "old clients cannot parse XOR-MAPPED-ADDRESS");
  }

  @Test
  void aChangeRequestThisServerCannotHonourIs420() {
    StunMessage request = new StunMessage(StunClass.REQUEST, StunProtocol.METHOD_BINDING, StunProtocol.MAGIC_COOKIE,
        TransactionId.random(new SplittableRandom(3)), List.of(new ChangeRequest(true, true)), false);
    StunMessage m = answer(StunCodec.encode(request), Outcome.REFUSED);
    assertEquals(StunClass.ERROR_RESPONSE, m.messageClass());
    assertEquals(420, m.first(ErrorCode.class).orElseThrow().code());
    assertEquals(List.of(StunProtocol.ATTR_CHANGE_REQUEST), m.first(UnknownAttributes.class).orElseThrow().types());
  }

  @Test
  void unknownComprehensionRequiredAttributesAre420AndOptionalOnesAreIgnored() {
    StunMessage m = answer(StunCodecTest.RFC5769_REQUEST, Outcome.REFUSED);
    assertEquals(List.of(0x0024, 0x0006, 0x0008), m.first(UnknownAttributes.class).orElseThrow().types(),
        "PRIORITY, USERNAME and MESSAGE-INTEGRITY; not the optional SOFTWARE or ICE-CONTROLLED");
  }

  @Test
  void otherMethodsAre400() {
    StunMessage request = new StunMessage(StunClass.REQUEST, 0x003, StunProtocol.MAGIC_COOKIE,
        TransactionId.random(new SplittableRandom(4)), List.of(), false);
    StunMessage m = answer(StunCodec.encode(request), Outcome.REFUSED);
    assertEquals(400, m.first(ErrorCode.class).orElseThrow().code());
    assertEquals(0x003, m.method());
  }

  @Test
  void nonRequestsAndGarbageGetNoAnswer() {
    StunMessage indication = new StunMessage(StunClass.INDICATION, StunProtocol.METHOD_BINDING,
        StunProtocol.MAGIC_COOKIE, TransactionId.random(new SplittableRandom(5)), List.of(), true);
    byte[] ind = StunCodec.encode(indication);
    assertEquals(new Reply(Outcome.NOT_A_REQUEST, Optional.empty()).outcome(),
        responder.answer(ind, ind.length, CLIENT).outcome());
    assertTrue(responder.answer(ind, ind.length, CLIENT).reply().isEmpty());

    byte[] garbage = "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Reply r = responder.answer(garbage, garbage.length, CLIENT);
    assertEquals(Outcome.MALFORMED, r.outcome());
    assertTrue(r.reply().isEmpty());

    byte[] badFingerprint = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new SplittableRandom(6))));
    badFingerprint[badFingerprint.length - 1] ^= 0x55;
    assertEquals(Outcome.MALFORMED, responder.answer(badFingerprint, badFingerprint.length, CLIENT).outcome());
  }

  @Test
  void wildcardBoundServerOmitsItsOwnAddress() {
    StunResponder wildcard = new StunResponder("ovsgw", Optional.empty());
    byte[] classic = HexFormat.of().parseHex("00010000" + "00".repeat(16));
    byte[] reply = wildcard.answer(classic, classic.length, CLIENT).reply().orElseThrow();
    StunMessage m = StunCodec.decode(reply, reply.length);
    assertEquals(CLIENT, m.address(AddressKind.MAPPED).orElseThrow());
    assertTrue(m.address(AddressKind.SOURCE).isEmpty());
  }
}
