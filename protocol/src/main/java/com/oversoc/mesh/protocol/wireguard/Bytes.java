package com.oversoc.mesh.protocol.wireguard;

/** Little-endian field access for the message layouts (WireGuard's integers are little-endian). */
final class Bytes {
  private Bytes() {}

  static int getIntLe(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  static void putIntLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  static long getLongLe(byte[] b, int at) {
    return (getIntLe(b, at) & 0xffffffffL) | (long) getIntLe(b, at + 4) << 32;
  }

  static void putLongLe(byte[] b, int at, long v) {
    putIntLe(b, at, (int) v);
    putIntLe(b, at + 4, (int) (v >>> 32));
  }
}
