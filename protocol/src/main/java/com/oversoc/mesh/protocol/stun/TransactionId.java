package com.oversoc.mesh.protocol.stun;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The 96-bit transaction id that pairs a response with its request. RFC 8489 wants it
 * unpredictable, so it comes from an injected (in production cryptographically strong) random
 * source.
 */
public final class TransactionId {
  public static final int LENGTH = 12;

  private final byte[] bytes;

  private TransactionId(byte[] bytes) {
    this.bytes = bytes;
  }

  public static TransactionId random(RandomGenerator random) {
    byte[] b = new byte[LENGTH];
    random.nextBytes(b);
    return new TransactionId(b);
  }

  /** @throws IllegalArgumentException unless exactly 12 bytes */
  public static TransactionId of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a transaction id is " + LENGTH + " bytes, got " + bytes.length);
    }
    return new TransactionId(bytes.clone());
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  byte get(int i) {
    return bytes[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransactionId t && Arrays.equals(bytes, t.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
