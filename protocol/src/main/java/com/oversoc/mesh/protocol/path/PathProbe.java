package com.oversoc.mesh.protocol.path;

import com.oversoc.mesh.protocol.path.PathProbeException.Reason;
import java.util.Objects;

/**
 * A path probe: an inner packet that travels inside the peer's WireGuard session (so it is
 * authenticated and replay-protected by the session) to find out whether a path works and how
 * long it takes. A PING asks the peer to answer at once; the PONG goes back to the address the
 * ping came from and reports that address, which is how a node behind a NAT learns its mapping.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  type (0xD1)  | kind (1 PING, |                               |
 * |               |       2 PONG) |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |            transaction id (64 bits, big-endian, random)       |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | PONG only:    |  port seen    |
 * |                               | family (4, 6) |  from (16,    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  big-endian)  |  IP address seen from (4 or 16 bytes) ...     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  zero bytes: the sender's WireGuard padding, ignored          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * A PING is 10 bytes, a PONG 17 (IPv4) or 29 (IPv6). The type byte tells a probe apart from a
 * mesh-transport packet, whose first byte is the transport version (1); it is never 1. Decoding is
 * exact: after the message only zero bytes may follow (WireGuard pads every packet with zeros to a
 * multiple of 16, and the receiver sees that padding), anything else is a typed
 * {@link PathProbeException}.
 */
public sealed interface PathProbe permits PathProbe.Ping, PathProbe.Pong {
  /** First byte of every probe. */
  int TYPE = 0xD1;
  /** Kind of a ping: "answer me". */
  int KIND_PING = 1;
  /** Kind of a pong: "your ping arrived from this address". */
  int KIND_PONG = 2;
  /** Family byte of an IPv4 address. */
  int FAMILY_IPV4 = 4;
  /** Family byte of an IPv6 address. */
  int FAMILY_IPV6 = 6;

  int TYPE_OFFSET = 0;
  int TYPE_SIZE = 1;
  int KIND_OFFSET = TYPE_OFFSET + TYPE_SIZE;
  int KIND_SIZE = 1;
  int TXID_OFFSET = KIND_OFFSET + KIND_SIZE;
  int TXID_SIZE = 8;
  /** Length of a ping; also where a pong's fields start. */
  int PING_SIZE = TXID_OFFSET + TXID_SIZE;
  int FAMILY_OFFSET = PING_SIZE;
  int FAMILY_SIZE = 1;
  int PORT_OFFSET = FAMILY_OFFSET + FAMILY_SIZE;
  int PORT_SIZE = 2;
  int ADDRESS_OFFSET = PORT_OFFSET + PORT_SIZE;
  int IPV4_SIZE = 4;
  int IPV6_SIZE = 16;
  /** Length of a pong that reports an IPv4 address. */
  int PONG_IPV4_SIZE = ADDRESS_OFFSET + IPV4_SIZE;
  /** Length of a pong that reports an IPv6 address: the longest probe. */
  int PONG_IPV6_SIZE = ADDRESS_OFFSET + IPV6_SIZE;

  /** The transaction id that pairs a pong with its ping. */
  long txid();

  /** The inner packet to hand to the peer's WireGuard session. */
  byte[] encode();

  /** "Answer me": sent to one candidate path of the peer. */
  record Ping(long txid) implements PathProbe {
    /** The answer to this ping, which arrived from {@code seenFrom}; send it back to that address at once. */
    public Pong pong(ObservedAddress seenFrom) {
      return new Pong(txid, seenFrom);
    }

    @Override
    public byte[] encode() {
      byte[] b = new byte[PING_SIZE];
      writeHeader(b, KIND_PING, txid);
      return b;
    }
  }

  /** "Your ping {@code txid} arrived from {@code seenFrom}." */
  record Pong(long txid, ObservedAddress seenFrom) implements PathProbe {
    public Pong {
      Objects.requireNonNull(seenFrom, "seenFrom");
    }

    @Override
    public byte[] encode() {
      byte[] ip = seenFrom.ip();
      byte[] b = new byte[ADDRESS_OFFSET + ip.length];
      writeHeader(b, KIND_PONG, txid);
      b[FAMILY_OFFSET] = (byte) seenFrom.family();
      b[PORT_OFFSET] = (byte) (seenFrom.port() >>> 8);
      b[PORT_OFFSET + 1] = (byte) seenFrom.port();
      System.arraycopy(ip, 0, b, ADDRESS_OFFSET, ip.length);
      return b;
    }
  }

  /**
   * Whether an inner packet is a probe (its first byte is {@link #TYPE}) rather than a
   * mesh-transport packet; says nothing about whether it is a well-formed one.
   */
  static boolean isProbe(byte[] packet) {
    return packet.length > TYPE_OFFSET && (packet[TYPE_OFFSET] & 0xff) == TYPE;
  }

  /**
   * Reads a probe from a whole inner packet, with any WireGuard zero padding after it.
   *
   * @throws PathProbeException if the packet is not exactly one well-formed probe and zeros
   */
  static PathProbe decode(byte[] packet) throws PathProbeException {
    if (packet.length < PING_SIZE) {
      if (packet.length > TYPE_OFFSET && !isProbe(packet)) {
        throw notAProbe(packet);
      }
      throw new PathProbeException(Reason.TRUNCATED,
          "a probe has at least " + PING_SIZE + " bytes, got " + packet.length);
    }
    if (!isProbe(packet)) {
      throw notAProbe(packet);
    }
    long txid = readTxid(packet);
    int kind = packet[KIND_OFFSET] & 0xff;
    return switch (kind) {
      case KIND_PING -> {
        requireZerosFrom(packet, PING_SIZE);
        yield new Ping(txid);
      }
      case KIND_PONG -> decodePong(packet, txid);
      default -> throw new PathProbeException(Reason.UNKNOWN_KIND,
          "probe kind " + kind + " is neither PING (" + KIND_PING + ") nor PONG (" + KIND_PONG + ")");
    };
  }

  private static Pong decodePong(byte[] packet, long txid) throws PathProbeException {
    if (packet.length <= FAMILY_OFFSET) {
      throw new PathProbeException(Reason.TRUNCATED, "a pong ends before its address family");
    }
    int family = packet[FAMILY_OFFSET] & 0xff;
    int ipSize = switch (family) {
      case FAMILY_IPV4 -> IPV4_SIZE;
      case FAMILY_IPV6 -> IPV6_SIZE;
      default -> throw new PathProbeException(Reason.BAD_FAMILY,
          "pong address family " + family + " is neither " + FAMILY_IPV4 + " nor " + FAMILY_IPV6);
    };
    int end = ADDRESS_OFFSET + ipSize;
    if (packet.length < end) {
      throw new PathProbeException(Reason.TRUNCATED,
          "an IPv" + family + " pong has " + end + " bytes, got " + packet.length);
    }
    requireZerosFrom(packet, end);
    int port = (packet[PORT_OFFSET] & 0xff) << 8 | packet[PORT_OFFSET + 1] & 0xff;
    byte[] ip = java.util.Arrays.copyOfRange(packet, ADDRESS_OFFSET, end);
    return new Pong(txid, new ObservedAddress(ip, port));
  }

  private static void writeHeader(byte[] b, int kind, long txid) {
    b[TYPE_OFFSET] = (byte) TYPE;
    b[KIND_OFFSET] = (byte) kind;
    for (int i = 0; i < TXID_SIZE; i++) {
      b[TXID_OFFSET + i] = (byte) (txid >>> (8 * (TXID_SIZE - 1 - i)));
    }
  }

  private static long readTxid(byte[] b) {
    long v = 0;
    for (int i = 0; i < TXID_SIZE; i++) {
      v = v << 8 | (b[TXID_OFFSET + i] & 0xff);
    }
    return v;
  }

  private static void requireZerosFrom(byte[] packet, int end) throws PathProbeException {
    for (int i = end; i < packet.length; i++) {
      if (packet[i] != 0) {
        throw new PathProbeException(Reason.TRAILING_GARBAGE,
            "byte " + i + " after the " + end + "-byte probe is " + (packet[i] & 0xff) + ", only zero padding may follow");
      }
    }
  }

  private static PathProbeException notAProbe(byte[] packet) {
    return new PathProbeException(Reason.NOT_A_PROBE,
        "first byte " + (packet[TYPE_OFFSET] & 0xff) + " is not the probe type " + TYPE);
  }
}
