package com.oversoc.mesh.protocol.stun;

import java.time.Duration;

/**
 * STUN constants from RFC 8489 (and RFC 3489 / RFC 5780 where old clients need them).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * then attributes: type:2 length:2 value:length, padded to 4 bytes.
 * </pre>
 *
 * An RFC 3489 client has no magic cookie: those four bytes are the start of its 128-bit
 * transaction id, and it understands only MAPPED-ADDRESS style attributes.
 */
public final class StunProtocol {
  public static final int HEADER_LENGTH = 20;
  public static final int MAGIC_COOKIE = 0x2112A442;
  /** XORed into the CRC-32 of FINGERPRINT, so a STUN CRC never equals another protocol's. */
  public static final int FINGERPRINT_XOR = 0x5354554e;

  /** Method: Binding, the only one a relay's STUN server answers. */
  public static final int METHOD_BINDING = 0x001;

  // Attribute types. 0x0000-0x7fff are comprehension-required, 0x8000-0xffff optional.
  public static final int ATTR_MAPPED_ADDRESS = 0x0001;
  /** RFC 5780 (and RFC 3489): ask the server to answer from another address or port. */
  public static final int ATTR_CHANGE_REQUEST = 0x0003;
  /** RFC 3489 only: the address the response was sent from. */
  public static final int ATTR_SOURCE_ADDRESS = 0x0004;
  /** RFC 3489 only: the address a CHANGE-REQUEST would be answered from. */
  public static final int ATTR_CHANGED_ADDRESS = 0x0005;
  public static final int ATTR_ERROR_CODE = 0x0009;
  public static final int ATTR_UNKNOWN_ATTRIBUTES = 0x000a;
  public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
  public static final int ATTR_SOFTWARE = 0x8022;
  public static final int ATTR_FINGERPRINT = 0x8028;
  /** RFC 5780: the address the response was sent from. */
  public static final int ATTR_RESPONSE_ORIGIN = 0x802b;
  /** RFC 5780: the server's alternate address. */
  public static final int ATTR_OTHER_ADDRESS = 0x802c;

  public static final int FAMILY_IPV4 = 0x01;
  public static final int FAMILY_IPV6 = 0x02;

  public static final int ERROR_BAD_REQUEST = 400;
  public static final int ERROR_UNKNOWN_ATTRIBUTE = 420;

  /** SOFTWARE: fewer than 128 characters, at most 763 bytes. */
  public static final int MAX_SOFTWARE_BYTES = 763;
  /** ERROR-CODE reason phrase: fewer than 128 characters, at most 763 bytes. */
  public static final int MAX_REASON_BYTES = 763;

  // Client retransmission over UDP (RFC 8489 section 6.2.1).
  /** Initial retransmission timeout; the RFC asks for at least 500 ms on unknown paths. */
  public static final Duration DEFAULT_RTO = Duration.ofMillis(500);
  /** Rc: requests sent in total, the first included. */
  public static final int DEFAULT_MAX_REQUESTS = 7;
  /** Rm: after the last request, wait this many RTOs for an answer before giving up. */
  public static final int DEFAULT_FINAL_WAIT_RTOS = 16;

  private StunProtocol() {}
}
