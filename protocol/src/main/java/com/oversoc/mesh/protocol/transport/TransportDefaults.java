package com.oversoc.mesh.protocol.transport;

import java.time.Duration;

/**
 * Implementation constants: defaults of {@link TransportConfig} and limits of this
 * implementation that peers need not agree on. Specification values are in {@link TransportSpec}.
 */
public final class TransportDefaults {
  private TransportDefaults() {}

  /** Largest receive window one stream grows to: covers 1 Gbit/s x 100 ms or 100 Mbit/s x 1 s. */
  public static final long MAX_STREAM_WINDOW = 16L << 20;
  /** Largest receive window of the whole connection: all streams together. */
  public static final long MAX_CONNECTION_WINDOW = 64L << 20;
  /** Largest unacknowledged send buffer per stream (the writer blocks beyond it). */
  public static final long MAX_STREAM_SEND_BUFFER = 16L << 20;
  /** Streams a gateway holds open at once before the platform must wait for MAX_STREAMS. */
  public static final int MAX_INCOMING_STREAMS = 256;
  /** Connection closes after this long without a packet from the peer. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** A connection with open streams sends a PING after this long without sending, to stay alive. */
  public static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(10);
  /** A stream is reset (IDLE_TIMEOUT) after this long without a byte either way. */
  public static final Duration STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** The platform gives up on an unanswered STREAM_OPEN after this long (result TIMEOUT). */
  public static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

  /** How often stream idle and open timeouts are checked: they are minutes and seconds long. */
  public static final long STREAM_TIMER_PERIOD_NANOS = 1_000_000_000L;
  /** Packets one {@link Connection#poll} returns at most, so a caller's loop stays responsive. */
  public static final int MAX_PACKETS_PER_POLL = 64;
}
