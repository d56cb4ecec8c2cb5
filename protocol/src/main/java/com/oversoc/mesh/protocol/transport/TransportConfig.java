package com.oversoc.mesh.protocol.transport;

import com.oversoc.mesh.protocol.transport.congestion.CongestionControl;
import java.time.Duration;

/**
 * Per-connection settings; {@link #defaults()} documents every default in {@link TransportDefaults}.
 * Memory per connection is bounded by {@code maxConnectionWindow} (receive) plus
 * {@code maxStreamSendBuffer} per open stream (send).
 */
public record TransportConfig(
    CongestionControl congestionControl,
    long maxStreamWindow,
    long maxConnectionWindow,
    long maxStreamSendBuffer,
    int maxIncomingStreams,
    Duration idleTimeout,
    Duration keepaliveInterval,
    Duration streamIdleTimeout,
    Duration openTimeout) {

  public TransportConfig {
    require(maxStreamWindow >= TransportSpec.INITIAL_MAX_STREAM_DATA, "maxStreamWindow",
        "at least the initial stream window " + TransportSpec.INITIAL_MAX_STREAM_DATA);
    require(maxConnectionWindow >= TransportSpec.INITIAL_MAX_DATA, "maxConnectionWindow",
        "at least the initial connection window " + TransportSpec.INITIAL_MAX_DATA);
    require(maxStreamSendBuffer >= TransportSpec.MAX_PACKET_SIZE, "maxStreamSendBuffer", "at least one packet");
    require(maxStreamSendBuffer <= 1L << 30 && maxStreamWindow <= 1L << 30, "buffers", "at most 1 GiB");
    require(maxIncomingStreams >= TransportSpec.INITIAL_MAX_STREAMS, "maxIncomingStreams",
        "at least the initial stream credit " + TransportSpec.INITIAL_MAX_STREAMS);
    require(idleTimeout.isPositive() && keepaliveInterval.isPositive() && streamIdleTimeout.isPositive()
        && openTimeout.isPositive(), "timeouts", "positive");
    require(keepaliveInterval.compareTo(idleTimeout) < 0, "keepaliveInterval", "shorter than idleTimeout");
  }

  private static void require(boolean ok, String field, String accepted) {
    if (!ok) {
      throw new IllegalArgumentException("transport config: " + field + " must be " + accepted);
    }
  }

  public static TransportConfig defaults() {
    return new TransportConfig(CongestionControl.BBR, TransportDefaults.MAX_STREAM_WINDOW,
        TransportDefaults.MAX_CONNECTION_WINDOW, TransportDefaults.MAX_STREAM_SEND_BUFFER,
        TransportDefaults.MAX_INCOMING_STREAMS, TransportDefaults.IDLE_TIMEOUT,
        TransportDefaults.KEEPALIVE_INTERVAL, TransportDefaults.STREAM_IDLE_TIMEOUT,
        TransportDefaults.OPEN_TIMEOUT);
  }

  public TransportConfig withCongestionControl(CongestionControl cc) {
    return new TransportConfig(cc, maxStreamWindow, maxConnectionWindow, maxStreamSendBuffer,
        maxIncomingStreams, idleTimeout, keepaliveInterval, streamIdleTimeout, openTimeout);
  }

  public TransportConfig withWindows(long streamWindow, long connectionWindow, long sendBuffer) {
    return new TransportConfig(congestionControl, streamWindow, connectionWindow, sendBuffer,
        maxIncomingStreams, idleTimeout, keepaliveInterval, streamIdleTimeout, openTimeout);
  }

  public TransportConfig withTimeouts(Duration idle, Duration keepalive, Duration streamIdle, Duration open) {
    return new TransportConfig(congestionControl, maxStreamWindow, maxConnectionWindow, maxStreamSendBuffer,
        maxIncomingStreams, idle, keepalive, streamIdle, open);
  }
}
