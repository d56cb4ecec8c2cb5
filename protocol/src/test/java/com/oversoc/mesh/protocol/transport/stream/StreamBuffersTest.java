package com.oversoc.mesh.protocol.transport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class StreamBuffersTest {
  static ByteBuffer bytes(int from, int count) {
    ByteBuffer b = ByteBuffer.allocate(count);
    for (int i = 0; i < count; i++) {
      b.put((byte) (from + i));
    }
    return b.flip();
  }

  @Test
  void writesAreBoundedByPeerCreditAndTheLocalBuffer() {
    SendStream s = new SendStream(100_000);
    assertEquals(Math.min(TransportSpec.INITIAL_MAX_STREAM_DATA, 100_000), s.writable(),
        "the smaller of the peer's initial credit and the local buffer");
    SendStream small = new SendStream(10_000);
    assertEquals(10_000, small.write(ByteBuffer.allocate(50_000)));
    assertEquals(0, small.writable());
    ByteBuffer out = ByteBuffer.allocate(2000);
    SendStream.Chunk c = small.next(2000, Long.MAX_VALUE, out);
    assertEquals(new SendStream.Chunk(0, 2000, false), c);
    small.onAcked(0, 2000, false);
    assertEquals(2000, small.writable(), "acknowledged bytes free the buffer");
    assertEquals(8000, small.buffered());
  }

  @Test
  void lostRangesGoOutAgainBeforeNewBytesAndFinFollowsTheLastByte() {
    SendStream s = new SendStream(100_000);
    s.write(bytes(0, 3000));
    s.finish();
    ByteBuffer out = ByteBuffer.allocate(4000);
    assertEquals(new SendStream.Chunk(0, 1000, false), s.next(1000, Long.MAX_VALUE, out));
    assertEquals(new SendStream.Chunk(1000, 1000, false), s.next(1000, Long.MAX_VALUE, out));
    s.onLost(0, 1000, false);
    out.clear();
    assertEquals(new SendStream.Chunk(0, 1000, false), s.next(1000, Long.MAX_VALUE, out));
    assertEquals(0, out.get(0));
    assertEquals((byte) 999, out.get(999));
    assertEquals(new SendStream.Chunk(2000, 1000, true), s.next(1000, Long.MAX_VALUE, out));
    assertFalse(s.hasPending());
    s.onAcked(0, 1000, false);
    s.onAcked(2000, 1000, true);
    assertFalse(s.allAcked());
    s.onAcked(1000, 1000, false);
    assertTrue(s.allAcked());
  }

  @Test
  void newBytesNeedConnectionCredit() {
    SendStream s = new SendStream(100_000);
    s.write(bytes(0, 3000));
    ByteBuffer out = ByteBuffer.allocate(4000);
    assertEquals(new SendStream.Chunk(0, 500, false), s.next(1000, 500, out));
    assertNull(s.next(1000, 0, out));
  }

  @Test
  void aLostRangeAcknowledgedMeanwhileIsNotResent() {
    SendStream s = new SendStream(100_000);
    s.write(bytes(0, 2000));
    ByteBuffer out = ByteBuffer.allocate(4000);
    s.next(2000, Long.MAX_VALUE, out);
    s.onAcked(500, 1000, false);
    s.onLost(0, 2000, false);
    out.clear();
    assertEquals(new SendStream.Chunk(0, 500, false), s.next(2000, Long.MAX_VALUE, out));
    assertEquals(new SendStream.Chunk(1500, 500, false), s.next(2000, Long.MAX_VALUE, out));
  }

  @Test
  void receiverReassemblesOutOfOrderAndDropsDuplicates() {
    ReceiveStream r = new ReceiveStream(1 << 20);
    assertEquals(ReceiveStream.DataResult.OK, r.onData(1000, bytes(1000 % 256, 1000), true));
    assertEquals(0, r.readable());
    r.onData(0, bytes(0, 600), false);
    r.onData(300, bytes(300 % 256, 700), false);
    assertEquals(2000, r.readable());
    ByteBuffer dst = ByteBuffer.allocate(3000);
    assertEquals(2000, r.read(dst));
    for (int i = 0; i < 2000; i++) {
      assertEquals((byte) i, dst.get(i), "byte " + i);
    }
    assertTrue(r.finished());
  }

  @Test
  void finalSizeViolationsAreReported() {
    ReceiveStream r = new ReceiveStream(1 << 20);
    r.onData(0, bytes(0, 100), true);
    assertEquals(ReceiveStream.DataResult.FINAL_SIZE_ERROR, r.onData(100, bytes(0, 1), false));
    assertEquals(ReceiveStream.DataResult.FINAL_SIZE_ERROR, r.onData(0, bytes(0, 50), true));
    assertFalse(r.onReset(99));
    ReceiveStream r2 = new ReceiveStream(1 << 20);
    r2.onData(0, bytes(0, 100), false);
    assertFalse(r2.onReset(50), "a reset cannot shrink what was sent");
    assertTrue(r2.onReset(100));
  }
}
