package com.oversoc.mesh.protocol.transport;

/**
 * Specification constants: values both ends of a connection must agree on, or that RFC 9000 and
 * RFC 9002 fix. Changing one changes the protocol; implementation choices live in
 * {@link TransportDefaults}.
 */
public final class TransportSpec {
  private TransportSpec() {}

  /** Path MTU the mesh assumes end to end (the IPv6 minimum). */
  public static final int PATH_MTU = 1280;
  /** IPv6 (40) + UDP (8) header bytes on the direct path. */
  public static final int IP_UDP_OVERHEAD = 48;
  /** WireGuard transport-data overhead: type, receiver index and counter (16) + Poly1305 tag (16). */
  public static final int WIREGUARD_OVERHEAD = 32;
  /** WireGuard pads its plaintext to a multiple of this. */
  public static final int WIREGUARD_PADDING_MULTIPLE = 16;
  /**
   * Largest transport packet: 1280 - 48 - 32 = 1200, itself a multiple of 16, so WireGuard's
   * padding never pushes a full-size packet over the MTU.
   */
  public static final int MAX_PACKET_SIZE = PATH_MTU - IP_UDP_OVERHEAD - WIREGUARD_OVERHEAD;

  /** Wire version in the first byte of every packet. */
  public static final int VERSION = 1;

  /**
   * A gateway takes a connection id it does not know for a new connection only if the packet's
   * number is below this: a connection starts at 0, and this many packets cover its opening
   * even when the first ones are lost. A higher number is a connection the gateway lost (it
   * restarted), answered with a stateless close.
   */
  public static final long NEW_CONNECTION_PACKETS = 64;
  /**
   * The packet number of a stateless close: above any number a platform's connection reaches
   * (2^62 packets at 10^9 a second is 146 years), so the platform never takes it for a duplicate.
   */
  public static final long STATELESS_CLOSE_PACKET_NUMBER = 1L << 62;

  /** Flow-control credit each side may assume before the first MAX_DATA (RFC 9000 initial_max_data). */
  public static final long INITIAL_MAX_DATA = 1L << 20;
  /** Per-stream credit assumed before the first MAX_STREAM_DATA (initial_max_stream_data). */
  public static final long INITIAL_MAX_STREAM_DATA = 256L << 10;
  /** Streams the platform may open before the first MAX_STREAMS (initial_max_streams). */
  public static final long INITIAL_MAX_STREAMS = 100;
  /** Stream ids are 32 bits on the wire; a connection that used them all is replaced, never reused. */
  public static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

  /** RFC 9002 kPacketThreshold: reordering tolerated, in packets, before declaring loss. */
  public static final int PACKET_THRESHOLD = 3;
  /** RFC 9002 kTimeThreshold numerator/denominator (9/8 of an RTT). */
  public static final int TIME_THRESHOLD_NUM = 9;
  public static final int TIME_THRESHOLD_DEN = 8;
  /** RFC 9002 kGranularity: timer granularity assumed for loss and probe timers. */
  public static final long GRANULARITY_NANOS = 1_000_000L;
  /** RFC 9002 kInitialRtt: RTT assumed before the first sample. */
  public static final long INITIAL_RTT_NANOS = 333_000_000L;
  /** RFC 9000 max_ack_delay: the longest a receiver holds back an ACK for an ack-eliciting packet. */
  public static final long MAX_ACK_DELAY_NANOS = 25_000_000L;
  /** RFC 9000 13.2.2: acknowledge at least every second ack-eliciting packet. */
  public static final int ACK_ELICITING_THRESHOLD = 2;
  /** RFC 9002 kPersistentCongestionThreshold, in PTO periods. */
  public static final int PERSISTENT_CONGESTION_THRESHOLD = 3;
}
