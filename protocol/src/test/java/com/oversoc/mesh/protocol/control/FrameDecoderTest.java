package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.control.pb.ControlError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  static byte[] frame(int declared, byte... payload) {
    byte[] out = new byte[4 + payload.length];
    out[0] = (byte) (declared >>> 24);
    out[1] = (byte) (declared >>> 16);
    out[2] = (byte) (declared >>> 8);
    out[3] = (byte) declared;
    System.arraycopy(payload, 0, out, 4, payload.length);
    return out;
  }

  @Test
  void framesSplitAndJoinedAnyWayComeOutWhole() throws Exception {
    byte[] stream = new byte[0];
    for (byte[] f : List.of(frame(3, (byte) 1, (byte) 2, (byte) 3), frame(0), frame(1, (byte) 9))) {
      byte[] joined = new byte[stream.length + f.length];
      System.arraycopy(stream, 0, joined, 0, stream.length);
      System.arraycopy(f, 0, joined, stream.length, f.length);
      stream = joined;
    }
    for (int chunk = 1; chunk <= stream.length; chunk++) {
      FrameDecoder d = new FrameDecoder(16);
      List<byte[]> got = new ArrayList<>();
      for (int i = 0; i < stream.length; i += chunk) {
        got.addAll(d.feed(java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + chunk))));
      }
      assertEquals(3, got.size(), "chunk " + chunk);
      assertArrayEquals(new byte[] {1, 2, 3}, got.get(0));
      assertArrayEquals(new byte[0], got.get(1));
      assertArrayEquals(new byte[] {9}, got.get(2));
    }
  }

  @Test
  void anOversizedHeaderFailsOnceBeforeItsBodyArrivesAndTheRestIsDiscarded() throws Exception {
    FrameDecoder d = new FrameDecoder(16);
    ControlException e = assertThrows(ControlException.class, () -> d.feed(frame(17)));
    assertEquals(ControlError.Code.FRAME_TOO_LARGE, e.code());
    assertTrue(d.failed());
    assertEquals(List.of(), d.feed(frame(1, (byte) 1)));
    FrameDecoder huge = new FrameDecoder(16);
    assertThrows(ControlException.class, () -> huge.feed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
  }
}
