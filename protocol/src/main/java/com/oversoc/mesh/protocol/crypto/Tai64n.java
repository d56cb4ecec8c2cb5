package com.oversoc.mesh.protocol.crypto;

import java.time.Instant;

/**
 * A TAI64N timestamp (cr.yp.to/libtai/tai64.html) as WireGuard sends it in every handshake
 * initiation: 8 bytes big-endian TAI64 seconds ({@code 2^62 + 10 + unix seconds}) and 4 bytes
 * big-endian nanoseconds. A responder accepts an initiation only if its timestamp is strictly
 * after the last one it accepted from that peer, which stops replayed initiations.
 *
 * @param seconds the TAI64 label
 * @param nanos 0..999,999,999
 */
public record Tai64n(long seconds, int nanos) implements Comparable<Tai64n> {
  public static final int LENGTH = 12;
  /** TAI64 label of the Unix epoch: 2^62 plus the 10 seconds TAI was ahead of UTC in 1970. */
  public static final long EPOCH_LABEL = 0x400000000000000aL;
  /**
   * Nanoseconds are rounded down to a multiple of 2^24 ns (about 16.8 ms), as WireGuard does, so
   * that initiations do not reveal the sender's clock to the nanosecond.
   */
  public static final int WHITENER_MASK = (1 << 24) - 1;

  /** The earliest possible timestamp: anything a peer sends is after it. */
  public static final Tai64n ZERO = new Tai64n(0, 0);

  public Tai64n {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("TAI64N nanoseconds are 0..999999999, got " + nanos);
    }
  }

  /** The whitened timestamp of {@code instant}. */
  public static Tai64n of(Instant instant) {
    return new Tai64n(EPOCH_LABEL + instant.getEpochSecond(), instant.getNano() & ~WHITENER_MASK);
  }

  /** Reads 12 bytes at {@code offset}; any 12 bytes with nanoseconds below 10^9 are a timestamp. */
  public static Tai64n decode(byte[] b, int offset) {
    long secs = 0;
    for (int i = 0; i < 8; i++) {
      secs = secs << 8 | (b[offset + i] & 0xff);
    }
    int nanos = 0;
    for (int i = 8; i < 12; i++) {
      nanos = nanos << 8 | (b[offset + i] & 0xff);
    }
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("TAI64N nanoseconds field is out of range");
    }
    return new Tai64n(secs, nanos);
  }

  public byte[] encode() {
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (seconds >>> (56 - 8 * i));
    }
    for (int i = 0; i < 4; i++) {
      out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
    }
    return out;
  }

  /** True if this timestamp is strictly later than {@code other} (labels compare unsigned). */
  public boolean isAfter(Tai64n other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Tai64n other) {
    int bySeconds = Long.compareUnsigned(seconds, other.seconds);
    return bySeconds != 0 ? bySeconds : Integer.compare(nanos, other.nanos);
  }
}
