package com.oversoc.mesh.protocol.transport.stream;

import com.oversoc.mesh.protocol.transport.range.RangeSet;
import java.nio.ByteBuffer;

/**
 * The receiving direction of a stream: reassembles bytes that arrive out of order, in a buffer
 * bounded by the stream's maximum window, and knows the final size once FIN or RESET_STREAM
 * told it. Violations (data past the final size, a changed final size) are reported to the
 * connection, which closes with the matching error.
 */
public final class ReceiveStream {
  /** Outcome of {@link #onData}. */
  public enum DataResult { OK, FINAL_SIZE_ERROR }

  private final ByteRing buffer;
  private final RangeSet received = new RangeSet();
  private long readOffset;
  private long highest;
  private long finalSize = -1;
  private boolean discarding;

  public ReceiveStream(long maxWindow) {
    this.buffer = new ByteRing(maxWindow);
  }

  /** Stores a STREAM frame's bytes; the caller checked flow control, so they fit the buffer. */
  public DataResult onData(long offset, ByteBuffer data, boolean fin) {
    long end = offset + data.remaining();
    if (finalSize >= 0 && (end > finalSize || (fin && end != finalSize))) {
      return DataResult.FINAL_SIZE_ERROR;
    }
    if (fin) {
      if (end < highest) {
        return DataResult.FINAL_SIZE_ERROR;
      }
      finalSize = end;
    }
    highest = Math.max(highest, end);
    if (discarding) {
      return DataResult.OK;
    }
    long start = Math.max(offset, readOffset);
    if (start < end) {
      // Store only what is new; duplicates and retransmissions of read bytes are dropped.
      ByteBuffer src = data.duplicate();
      received.forEachGap(start, end, (gs, ge) -> {
        ByteBuffer piece = src.slice((int) (gs - offset), (int) (ge - gs));
        buffer.put(gs, piece, received.isEmpty() ? readOffset : Math.max(received.maxExclusive(), readOffset));
      });
      received.add(start, end);
    }
    return DataResult.OK;
  }

  /** A RESET_STREAM arrived; returns false if its final size contradicts what is known. */
  public boolean onReset(long resetFinalSize) {
    if ((finalSize >= 0 && resetFinalSize != finalSize) || resetFinalSize < highest) {
      return false;
    }
    finalSize = resetFinalSize;
    highest = resetFinalSize;
    discard();
    return true;
  }

  /** Stops keeping bytes (the application stopped reading or the stream failed). */
  public void discard() {
    discarding = true;
    received.clear();
    buffer.free(readOffset);
  }

  /** Contiguous bytes ready to read. */
  public long readable() {
    if (discarding || received.isEmpty()) {
      return 0;
    }
    return received.contiguousEndFrom(readOffset) - readOffset;
  }

  /** Reads up to {@code dst.remaining()} contiguous bytes; returns the count. */
  public int read(ByteBuffer dst) {
    int n = (int) Math.min(dst.remaining(), readable());
    if (n > 0) {
      buffer.get(readOffset, n, dst);
      readOffset += n;
      buffer.release(readOffset);
      received.removeBelow(readOffset);
    }
    return n;
  }

  /** True once the final size is known and every byte up to it was read. */
  public boolean finished() {
    return finalSize >= 0 && readOffset == finalSize && !discarding;
  }

  public boolean finalSizeKnown() {
    return finalSize >= 0;
  }

  public long finalSize() {
    return finalSize;
  }

  public long readOffset() {
    return readOffset;
  }

  public long highest() {
    return highest;
  }

  public boolean discarding() {
    return discarding;
  }

  /** Bytes held for the application: received past the read offset. */
  public long buffered() {
    return discarding ? 0 : Math.max(0, highest - readOffset);
  }
}
