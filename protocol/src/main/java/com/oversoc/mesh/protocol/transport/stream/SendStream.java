package com.oversoc.mesh.protocol.transport.stream;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.range.RangeSet;
import java.nio.ByteBuffer;

/**
 * The sending direction of a stream: bytes the application wrote and the peer has not yet
 * acknowledged, which of them to send next (lost ranges first, then new bytes within credit),
 * and the FIN. What the application may buffer is bounded by both the peer's credit and the
 * local cap, so a slow receiver holds the writer back instead of growing memory.
 */
public final class SendStream {
  private final ByteRing buffer;
  private final long maxBuffered;
  private final RangeSet acked = new RangeSet();
  private final RangeSet lost = new RangeSet();
  private long written;
  private long sentHigh;
  private long ackedPrefix;
  private long peerMaxData = TransportSpec.INITIAL_MAX_STREAM_DATA;
  private boolean finWritten;
  private boolean finSent;
  private boolean finLost;
  private boolean finAcked;

  public SendStream(long maxBuffered) {
    this.maxBuffered = maxBuffered;
    this.buffer = new ByteRing(maxBuffered);
  }

  /** Bytes the application may write now. */
  public long writable() {
    if (finWritten) {
      return 0;
    }
    long limit = Math.min(peerMaxData, ackedPrefix + maxBuffered);
    return Math.max(0, limit - written);
  }

  /** Copies as much of {@code src} as {@link #writable()} allows; returns the count. */
  public int write(ByteBuffer src) {
    int n = (int) Math.min(src.remaining(), writable());
    if (n > 0) {
      ByteBuffer part = src.slice(src.position(), n);
      buffer.put(written, part, written);
      src.position(src.position() + n);
      written += n;
    }
    return n;
  }

  public void finish() {
    finWritten = true;
  }

  public boolean finWritten() {
    return finWritten;
  }

  /** Raises the peer's credit; returns true if it grew. */
  public boolean onMaxStreamData(long maximum) {
    if (maximum > peerMaxData) {
      peerMaxData = maximum;
      return true;
    }
    return false;
  }

  /** True if a retransmission or new bytes (within stream credit) or a FIN wait to be sent. */
  public boolean hasPending() {
    return !lost.isEmpty() || finLost || (sentHigh < Math.min(written, peerMaxData))
        || (finWritten && !finSent && sentHigh == written);
  }

  /** True if all that waits is a FIN after the last byte sent (needs no credit). */
  public boolean hasPendingFinOnly() {
    return lost.isEmpty() && !finLost && sentHigh == written && finWritten && !finSent;
  }

  /** True if the next chunk would be new bytes, which also need connection credit. */
  public boolean nextIsNew() {
    return lost.isEmpty() && !finLost;
  }

  /**
   * Picks the next chunk of at most {@code maxLength} bytes, of which at most {@code newCredit}
   * may be new, writes its frame data into {@code out} and returns it, or null if nothing fits.
   */
  public Chunk next(int maxLength, long newCredit, ByteBuffer out) {
    if (!lost.isEmpty()) {
      long start = lost.start(0);
      int length = (int) Math.min(maxLength, lost.end(0) - start);
      lost.remove(start, start + length);
      boolean fin = finSent && finWritten && start + length == written;
      if (fin) {
        finLost = false;
      }
      buffer.get(start, length, out);
      return new Chunk(start, length, fin);
    }
    if (finLost && sentHigh == written) {
      finLost = false;
      return new Chunk(written, 0, true);
    }
    long limit = Math.min(written, Math.min(peerMaxData, sentHigh + newCredit));
    int length = (int) Math.min(maxLength, limit - sentHigh);
    boolean fin = finWritten && sentHigh + Math.max(length, 0) == written && !finSent;
    if (length <= 0 && !fin) {
      return null;
    }
    length = Math.max(length, 0);
    long start = sentHigh;
    buffer.get(start, length, out);
    sentHigh += length;
    if (fin) {
      finSent = true;
    }
    return new Chunk(start, length, fin);
  }

  public void onAcked(long offset, int length, boolean fin) {
    acked.add(offset, offset + length);
    if (fin) {
      finAcked = true;
    }
    if (!acked.isEmpty() && acked.min() <= ackedPrefix) {
      long prefix = acked.contiguousEndFrom(ackedPrefix);
      if (prefix > ackedPrefix) {
        ackedPrefix = prefix;
        buffer.release(prefix);
        acked.removeBelow(prefix);
      }
    }
  }

  public void onLost(long offset, int length, boolean fin) {
    if (length > 0) {
      long start = Math.max(offset, ackedPrefix);
      long end = offset + length;
      // Only what has not been acknowledged since (a later copy may have made it).
      acked.forEachGap(start, end, lost::add);
    }
    if (fin && !finAcked) {
      finLost = true;
    }
  }

  /** True once every byte and the FIN are acknowledged. */
  public boolean allAcked() {
    return finAcked && ackedPrefix == written;
  }

  /** Bytes held in the buffer: written and not yet acknowledged. */
  public long buffered() {
    return written - ackedPrefix;
  }

  /** Highest offset sent, the final size a RESET_STREAM must carry. */
  public long sentHigh() {
    return sentHigh;
  }

  /** A piece of the stream chosen for one STREAM frame. */
  public record Chunk(long offset, int length, boolean fin) {}
}
