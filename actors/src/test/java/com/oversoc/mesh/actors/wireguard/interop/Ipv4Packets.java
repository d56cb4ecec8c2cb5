package com.oversoc.mesh.actors.wireguard.interop;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds and reads the IPv4 packets the interop test puts inside WireGuard: ICMP echo requests
 * and replies, and UDP datagrams, with correct header, ICMP and UDP checksums (RFC 791, 792,
 * 768), so that a real kernel behind wireguard-go's TUN device accepts and answers them.
 */
final class Ipv4Packets {
  static final int ICMP = 1;
  static final int UDP = 17;
  static final int ECHO_REPLY = 0;
  static final int ECHO_REQUEST = 8;
  private static final int HEADER = 20;

  /** The fields of a received packet the test looks at. */
  record Parsed(int protocol, byte[] source, byte[] destination, int icmpType, int icmpId, int icmpSeq,
      int sourcePort, int destinationPort, byte[] payload) {}

  private Ipv4Packets() {}

  static byte[] icmpEcho(Inet4Address src, Inet4Address dst, boolean request, int id, int seq, byte[] data) {
    byte[] icmp = new byte[8 + data.length];
    icmp[0] = (byte) (request ? ECHO_REQUEST : ECHO_REPLY);
    putShort(icmp, 4, id);
    putShort(icmp, 6, seq);
    System.arraycopy(data, 0, icmp, 8, data.length);
    putShort(icmp, 2, checksum(icmp, 0, icmp.length, 0));
    return ip(src, dst, ICMP, icmp);
  }

  static byte[] udp(Inet4Address src, Inet4Address dst, int sourcePort, int destinationPort, byte[] data) {
    byte[] udp = new byte[8 + data.length];
    putShort(udp, 0, sourcePort);
    putShort(udp, 2, destinationPort);
    putShort(udp, 4, udp.length);
    System.arraycopy(data, 0, udp, 8, data.length);
    // Pseudo-header: source, destination, zero, protocol, UDP length.
    int pseudo = sum(src.getAddress()) + sum(dst.getAddress()) + UDP + udp.length;
    int c = checksum(udp, 0, udp.length, pseudo);
    putShort(udp, 6, c == 0 ? 0xffff : c);
    return ip(src, dst, UDP, udp);
  }

  /** Reads a packet, ignoring the sender's padding after the IPv4 total length; null if it is not IPv4. */
  static Parsed parse(byte[] packet) {
    if (packet.length < HEADER || (packet[0] & 0xf0) != 0x40) {
      return null;
    }
    int ihl = (packet[0] & 0x0f) * 4;
    int total = getShort(packet, 2);
    if (total > packet.length || ihl < HEADER || total < ihl) {
      return null;
    }
    int protocol = packet[9] & 0xff;
    byte[] src = Arrays.copyOfRange(packet, 12, 16);
    byte[] dst = Arrays.copyOfRange(packet, 16, 20);
    ByteBuffer body = ByteBuffer.wrap(packet, ihl, total - ihl);
    if (protocol == ICMP && body.remaining() >= 8) {
      int type = body.get(ihl) & 0xff;
      byte[] data = Arrays.copyOfRange(packet, ihl + 8, total);
      return new Parsed(protocol, src, dst, type, getShort(packet, ihl + 4), getShort(packet, ihl + 6), 0, 0, data);
    }
    if (protocol == UDP && body.remaining() >= 8) {
      byte[] data = Arrays.copyOfRange(packet, ihl + 8, total);
      return new Parsed(protocol, src, dst, -1, 0, 0, getShort(packet, ihl), getShort(packet, ihl + 2), data);
    }
    return new Parsed(protocol, src, dst, -1, 0, 0, 0, 0, new byte[0]);
  }

  private static byte[] ip(Inet4Address src, Inet4Address dst, int protocol, byte[] body) {
    byte[] p = new byte[HEADER + body.length];
    p[0] = 0x45;
    putShort(p, 2, p.length);
    putShort(p, 4, 0x4f56); // identification
    p[6] = 0x40; // don't fragment
    p[8] = 64; // TTL
    p[9] = (byte) protocol;
    System.arraycopy(src.getAddress(), 0, p, 12, 4);
    System.arraycopy(dst.getAddress(), 0, p, 16, 4);
    putShort(p, 10, checksum(p, 0, HEADER, 0));
    System.arraycopy(body, 0, p, HEADER, body.length);
    return p;
  }

  /** The Internet checksum (RFC 1071) of {@code b[off..off+len)} plus a pre-summed pseudo-header. */
  static int checksum(byte[] b, int off, int len, int initial) {
    long sum = initial;
    for (int i = 0; i + 1 < len; i += 2) {
      sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
    }
    if ((len & 1) == 1) {
      sum += (b[off + len - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static int sum(byte[] address) {
    return ((address[0] & 0xff) << 8 | (address[1] & 0xff)) + ((address[2] & 0xff) << 8 | (address[3] & 0xff));
  }

  private static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  private static int getShort(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }
}
