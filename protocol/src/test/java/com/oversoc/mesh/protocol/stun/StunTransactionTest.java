package com.oversoc.mesh.protocol.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunTransaction.Failed;
import com.oversoc.mesh.protocol.stun.StunTransaction.Succeeded;
import com.oversoc.mesh.protocol.stun.StunTransaction.TimedOut;
import com.oversoc.mesh.protocol.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StunTransactionTest {
  private static final TransportAddress CLIENT = new TransportAddress(IpLiteral.parse("192.0.2.77"), 41641);
  private final StunResponder server = new StunResponder("test server", Optional.empty());

  private byte[] reply(byte[] request) {
    return server.answer(request, request.length, CLIENT).reply().orElseThrow();
  }

  @Test
  void retransmitsOnTheRfcScheduleAndTimesOutAt39AndAHalfSeconds() {
    ManualClock clock = new ManualClock();
    StunTransaction t = new StunTransaction(TransactionId.random(new SplittableRandom(1)));
    List<Long> sentAtMillis = new ArrayList<>();
    t.start(clock.nanos());
    sentAtMillis.add(0L);
    while (!t.isDone()) {
      clock.advanceTo(t.nextTickNanos());
      if (t.onTick(clock.nanos()).isPresent()) {
        sentAtMillis.add(Duration.ofNanos(clock.nanos()).toMillis());
      }
    }
    assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L), sentAtMillis);
    assertEquals(39_500, Duration.ofNanos(clock.nanos()).toMillis());
    assertEquals(new TimedOut(7), t.outcome());
  }

  @Test
  void aTickBeforeItIsDueSendsNothing() {
    StunTransaction t = new StunTransaction(TransactionId.random(new SplittableRandom(2)));
    t.start(0);
    assertTrue(t.onTick(t.nextTickNanos() - 1).isEmpty());
    assertTrue(t.onTick(t.nextTickNanos()).isPresent());
  }

  @Test
  void aDirectAnswerGivesTheMappedAddressAndTheRoundTripTime() {
    StunTransaction t = new StunTransaction(TransactionId.random(new SplittableRandom(3)));
    byte[] request = t.start(1_000_000);
    byte[] response = reply(request);
    assertTrue(t.onDatagram(response, response.length, 1_000_000 + 23_000_000));
    Succeeded s = assertInstanceOf(Succeeded.class, t.outcome());
    assertEquals(CLIENT, s.mapped());
    assertEquals(Optional.of(Duration.ofMillis(23)), s.rtt());
  }

  @Test
  void afterARetransmissionTheRoundTripTimeIsAmbiguousAndNotReported() {
    StunTransaction t = new StunTransaction(TransactionId.random(new SplittableRandom(4)));
    byte[] request = t.start(0);
    t.onTick(t.nextTickNanos());
    byte[] response = reply(request);
    assertTrue(t.onDatagram(response, response.length, 600_000_000));
    assertEquals(Optional.empty(), assertInstanceOf(Succeeded.class, t.outcome()).rtt());
  }

  @Test
  void answersToOtherTransactionsAndOtherProtocolsAreLeftAlone() {
    StunTransaction t = new StunTransaction(TransactionId.random(new SplittableRandom(5)));
    t.start(0);
    StunTransaction other = new StunTransaction(TransactionId.random(new SplittableRandom(6)));
    byte[] otherReply = reply(other.start(0));
    assertFalse(t.onDatagram(otherReply, otherReply.length, 1));
    byte[] wireguard = new byte[148];
    wireguard[0] = 1;
    assertFalse(t.onDatagram(wireguard, wireguard.length, 1));
    assertFalse(t.isDone());
  }

  @Test
  void anErrorResponseFailsTheTransactionWithItsReason() {
    TransactionId id = TransactionId.random(new SplittableRandom(7));
    StunTransaction t = new StunTransaction(id);
    t.start(0);
    byte[] error = StunCodec.encode(new StunMessage(StunClass.ERROR_RESPONSE, StunProtocol.METHOD_BINDING,
        StunProtocol.MAGIC_COOKIE, id, List.of(new StunAttribute.ErrorCode(420, "Unknown Attribute")), true));
    assertTrue(t.onDatagram(error, error.length, 5));
    assertEquals(new Failed("error 420 Unknown Attribute"), t.outcome());
  }

  @Test
  void shorterSchedulesForKnownPaths() {
    StunTransaction t = new StunTransaction(TransactionId.random(new SplittableRandom(8)), Duration.ofMillis(100), 3, 2);
    t.start(0);
    long now = 0;
    int sent = 1;
    while (!t.isDone()) {
      now = t.nextTickNanos();
      if (t.onTick(now).isPresent()) {
        sent++;
      }
    }
    assertEquals(3, sent);
    assertEquals(Duration.ofMillis(100 + 200 + 200).toNanos(), now, "sent at 0, 100, 300; gave up 2 RTOs later");
    assertThrows(IllegalArgumentException.class, () -> new StunTransaction(TransactionId.random(new SplittableRandom(9)),
        Duration.ZERO, 1, 1));
  }
}
