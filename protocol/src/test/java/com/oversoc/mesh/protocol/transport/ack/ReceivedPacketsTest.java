package com.oversoc.mesh.protocol.transport.ack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.frame.AckFrame;
import com.oversoc.mesh.protocol.transport.frame.PacketRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceivedPacketsTest {
  static final long MAX_ACK_DELAY = TransportSpec.MAX_ACK_DELAY_NANOS;
  final ReceivedPackets r = new ReceivedPackets(MAX_ACK_DELAY);

  @Test
  void acksEverySecondAckElicitingPacketAndDelaysALoneOne() {
    assertTrue(r.onPacket(0, true, 1000));
    assertFalse(r.ackDue(1000));
    assertEquals(1000 + MAX_ACK_DELAY, r.ackDeadline());
    assertTrue(r.ackDue(1000 + MAX_ACK_DELAY));
    assertTrue(r.onPacket(1, true, 2000));
    assertTrue(r.ackDue(2000));
    AckFrame ack = r.buildAck(5000);
    assertEquals(List.of(new PacketRange(0, 1)), ack.ranges());
    assertEquals(3, ack.ackDelayMicros());
    r.onAckSent();
    assertFalse(r.ackPending());
    assertEquals(Long.MAX_VALUE, r.ackDeadline());
  }

  @Test
  void nonAckElicitingPacketsAreNotAcknowledgedOnTheirOwn() {
    r.onPacket(0, false, 0);
    r.onPacket(1, false, 0);
    assertFalse(r.ackPending());
  }

  @Test
  void aGapMakesTheAckImmediateAndShowsInTheRanges() {
    r.onPacket(0, true, 0);
    r.onAckSent();
    r.onPacket(3, true, 10);
    assertTrue(r.ackDue(10), "reordering or loss is reported at once");
    assertEquals(List.of(new PacketRange(3, 3), new PacketRange(0, 0)), r.buildAck(10).ranges());
  }

  @Test
  void duplicatesAreRefusedAndAcknowledgedAcksRaiseTheFloor() {
    assertTrue(r.onPacket(5, true, 0));
    assertFalse(r.onPacket(5, true, 0));
    r.onPacket(6, true, 0);
    r.onAckAcknowledged(6);
    assertEquals(6, r.floor());
    assertFalse(r.onPacket(4, true, 0), "below the floor is treated as old");
    assertTrue(r.onPacket(7, true, 0));
    assertEquals(List.of(new PacketRange(7, 7)), r.buildAck(0).ranges());
  }

  @Test
  void rangesAreBoundedAndTheOldestAreForgotten() {
    for (int i = 0; i < AckFrame.MAX_RANGES + 10; i++) {
      r.onPacket(2L * i, true, 0);
    }
    AckFrame ack = r.buildAck(0);
    assertEquals(AckFrame.MAX_RANGES, ack.ranges().size());
    assertFalse(r.onPacket(0, true, 0), "forgotten ranges are below the floor");
  }
}
