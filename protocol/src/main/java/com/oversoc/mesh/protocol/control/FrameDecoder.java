package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.ControlError;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a byte stream into control frames: a 4-byte big-endian length, then that many bytes.
 * The cap is checked on the header, before anything is buffered for the frame. After a bad
 * header the decoder stays failed and discards whatever follows, so the connection can still
 * send its error and close in order instead of being torn down mid-write.
 */
public final class FrameDecoder {
  private final int maxPayload;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private boolean failed;

  public FrameDecoder(int maxPayload) {
    this.maxPayload = maxPayload;
  }

  /**
   * Adds {@code data}; returns the payloads of the frames it completes, in order.
   *
   * @throws ControlException FRAME_TOO_LARGE for a header over the cap (once; afterwards input
   *     is discarded and nothing more is returned)
   */
  public List<byte[]> feed(byte[] data) throws ControlException {
    if (failed) {
      return List.of();
    }
    buffer.writeBytes(data);
    byte[] all = buffer.toByteArray();
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (all.length - pos >= ControlProtocol.FRAME_HEADER_BYTES) {
      long len = (all[pos] & 0xffL) << 24 | (all[pos + 1] & 0xff) << 16 | (all[pos + 2] & 0xff) << 8
          | (all[pos + 3] & 0xff);
      if (len > maxPayload) {
        failed = true;
        buffer.reset();
        throw new ControlException(ControlError.Code.FRAME_TOO_LARGE,
            "a frame of " + len + " bytes exceeds the cap of " + maxPayload);
      }
      if (all.length - pos - ControlProtocol.FRAME_HEADER_BYTES < len) {
        break;
      }
      int start = pos + ControlProtocol.FRAME_HEADER_BYTES;
      out.add(Arrays.copyOfRange(all, start, start + (int) len));
      pos = start + (int) len;
    }
    buffer.reset();
    buffer.write(all, pos, all.length - pos);
    return out;
  }

  public boolean failed() {
    return failed;
  }
}
