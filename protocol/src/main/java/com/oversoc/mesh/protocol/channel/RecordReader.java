package com.oversoc.mesh.protocol.channel;

import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import java.nio.ByteBuffer;

/**
 * Cuts an incoming byte stream into the preamble and then record bodies. Bytes arrive in
 * chunks of any size; memory is bounded by one maximal record whatever the peer sends, and a
 * length is checked before anything is allocated for it.
 */
public final class RecordReader {
  private final ChannelProtocol.Kind kind;
  private final byte[] preamble = new byte[ChannelProtocol.PREAMBLE_LENGTH];
  private int preambleFilled;
  private boolean preambleDone;
  private final byte[] header = new byte[ChannelProtocol.RECORD_HEADER_LENGTH];
  private int headerFilled;
  private byte[] body;
  private int bodyFilled;
  private ByteBuffer pending = ByteBuffer.allocate(0);

  public RecordReader(ChannelProtocol.Kind kind) {
    this.kind = kind;
  }

  /** Hands the reader the next chunk from the stream. Call {@link #next()} until it returns null. */
  public void feed(ByteBuffer chunk) {
    if (pending.hasRemaining()) {
      throw new IllegalStateException("feed() before the previous chunk was consumed by next()");
    }
    pending = chunk;
  }

  /**
   * The next complete record body, or null if more bytes are needed. The preamble is checked
   * first, before any record is returned.
   *
   * @throws ChannelException BAD_PREAMBLE, UNSUPPORTED_VERSION
   */
  public byte[] next() throws ChannelException {
    if (!preambleDone) {
      int n = Math.min(pending.remaining(), preamble.length - preambleFilled);
      pending.get(preamble, preambleFilled, n);
      preambleFilled += n;
      if (preambleFilled < preamble.length) {
        return null;
      }
      Preamble.check(preamble, kind);
      preambleDone = true;
    }
    if (body == null) {
      int n = Math.min(pending.remaining(), header.length - headerFilled);
      pending.get(header, headerFilled, n);
      headerFilled += n;
      if (headerFilled < header.length) {
        return null;
      }
      int length = (header[0] & 0xff) << 8 | (header[1] & 0xff);
      // A u16 cannot exceed MAX_RECORD_LENGTH; the check documents the bound the allocation relies on.
      if (length > ChannelProtocol.MAX_RECORD_LENGTH) {
        throw new ChannelException(Reason.RECORD_TOO_LARGE, "record of " + length + " bytes");
      }
      body = new byte[length];
      bodyFilled = 0;
    }
    int n = Math.min(pending.remaining(), body.length - bodyFilled);
    pending.get(body, bodyFilled, n);
    bodyFilled += n;
    if (bodyFilled < body.length) {
      return null;
    }
    byte[] done = body;
    body = null;
    headerFilled = 0;
    return done;
  }

  /** True when the last chunk is used up and the reader can take the next one. */
  public boolean needsInput() {
    return !pending.hasRemaining();
  }

  /** True once the peer's preamble has been read and accepted. */
  public boolean preambleAccepted() {
    return preambleDone;
  }

  /** Bytes buffered in a partial record or preamble: a peer that stops mid-record holds this much. */
  public int buffered() {
    return (preambleDone ? 0 : preambleFilled) + headerFilled + (body == null ? 0 : bodyFilled);
  }

  /** Encodes a record: the u16 length, then the body. */
  public static byte[] frame(byte[] body) {
    if (body.length > ChannelProtocol.MAX_RECORD_LENGTH) {
      throw new IllegalArgumentException("record body of " + body.length + " bytes exceeds 65535");
    }
    byte[] out = new byte[ChannelProtocol.RECORD_HEADER_LENGTH + body.length];
    out[0] = (byte) (body.length >>> 8);
    out[1] = (byte) body.length;
    System.arraycopy(body, 0, out, ChannelProtocol.RECORD_HEADER_LENGTH, body.length);
    return out;
  }
}
