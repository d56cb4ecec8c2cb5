package com.oversoc.mesh.actors.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class SendQueueTest {
  /** Records what the queue reports. */
  static final class Recorder implements SendQueue.Observer {
    final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
    final List<Integer> depths = new ArrayList<>();
    int written;

    @Override
    public synchronized void enqueued(int depth) {
      depths.add(depth);
    }

    @Override
    public synchronized void dropped(DropReason reason, int bytes) {
      drops.merge(reason, 1, Integer::sum);
    }

    @Override
    public synchronized void written(int packets, long bytes) {
      written += packets;
    }

    synchronized int drops(DropReason r) {
      return drops.getOrDefault(r, 0);
    }
  }

  private static ByteString packet(int n) {
    return ByteString.fromString("p" + n);
  }

  @Test
  void aFullQueueDropsItsOldestPacketAndCountsIt() {
    Recorder r = new Recorder();
    SendQueue q = new SendQueue(32, 4, r);
    for (int i = 0; i < 40; i++) {
      SendQueue.Offer o = q.offerPacket(packet(i));
      assertEquals(i < 32 ? SendQueue.Offer.QUEUED : SendQueue.Offer.QUEUED_DROPPED_OLDEST, o);
    }
    assertEquals(32, q.depth());
    assertEquals(8, r.drops(DropReason.QUEUE_FULL));
    assertEquals(32, r.depths.stream().mapToInt(Integer::intValue).max().orElseThrow(), "never deeper than 32");
    SendQueue.Batch b = q.drain(1 << 20);
    assertEquals(32, b.packets());
    assertTrue(b.bytes().utf8String().startsWith("p8p9"), "the 8 oldest are gone: " + b.bytes().utf8String());
    assertTrue(b.bytes().utf8String().endsWith("p39"));
    assertEquals(32, r.written);
  }

  @Test
  void controlComesFirstThenPresenceThenPackets() {
    SendQueue q = new SendQueue(8, 4, SendQueue.Observer.NONE);
    NodePublicKey a = new NodePublicKey(new byte[32]);
    q.offerPacket(ByteString.fromString("P"));
    q.offerPresence(a, ByteString.fromString("old"));
    q.offerControl(ByteString.fromString("C"));
    q.offerPresence(a, ByteString.fromString("N"));
    assertEquals("CNP", q.drain(1024).bytes().utf8String(), "the newer presence of the same peer replaced the older");
  }

  @Test
  void batchesStopNearTheByteLimitButTakeAtLeastOneFrame() {
    SendQueue q = new SendQueue(8, 4, SendQueue.Observer.NONE);
    q.offerPacket(ByteString.fromArray(new byte[100]));
    q.offerPacket(ByteString.fromArray(new byte[100]));
    q.offerPacket(ByteString.fromArray(new byte[100]));
    assertEquals(1, q.drain(50).packets());
    assertEquals(2, q.drain(150).packets());
  }

  @Test
  void theControlLaneIsBounded() {
    SendQueue q = new SendQueue(8, 2, SendQueue.Observer.NONE);
    assertTrue(q.offerControl(ByteString.fromString("a")));
    assertTrue(q.offerControl(ByteString.fromString("b")));
    assertFalse(q.offerControl(ByteString.fromString("c")));
  }

  @Test
  void closingDropsQueuedPacketsWithTheReasonAndDeliversTheFinalFrameLast() {
    Recorder r = new Recorder();
    SendQueue q = new SendQueue(8, 4, r);
    q.offerPacket(packet(1));
    q.offerPacket(packet(2));
    q.offerControl(ByteString.fromString("pong"));
    q.close(ByteString.fromString("bye"), DropReason.DUPLICATE_CLIENT);
    assertEquals(2, r.drops(DropReason.DUPLICATE_CLIENT));
    assertEquals(SendQueue.Offer.CLOSED, q.offerPacket(packet(3)));
    assertEquals(1, r.drops(DropReason.GONE), "a packet offered after close is gone");
    assertFalse(q.offerControl(ByteString.fromString("late")));
    SendQueue.Batch b = q.drain(1024);
    assertEquals("bye", b.bytes().utf8String());
    assertTrue(b.last());
    q.close(null, DropReason.WRITE_ERROR); // a second close changes nothing
    assertEquals(0, r.drops(DropReason.WRITE_ERROR));
  }

  @Test
  void aWaitingWriterIsWokenOnceWhenDataArrives() {
    SendQueue q = new SendQueue(8, 4, SendQueue.Observer.NONE);
    AtomicInteger wakes = new AtomicInteger();
    q.attachWriter(wakes::incrementAndGet);
    q.offerPacket(packet(0));
    assertEquals(0, wakes.get(), "the writer was not waiting");
    q.drain(1024);
    assertTrue(q.drain(1024).isEmpty(), "now it waits");
    q.offerPacket(packet(1));
    q.offerPacket(packet(2));
    assertEquals(1, wakes.get(), "woken once, not per packet");
  }
}
