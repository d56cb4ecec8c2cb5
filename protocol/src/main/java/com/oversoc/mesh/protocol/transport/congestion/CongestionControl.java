package com.oversoc.mesh.protocol.transport.congestion;

import com.oversoc.mesh.protocol.transport.TransportSpec;
import java.util.random.RandomGenerator;

/** The selectable congestion controllers. */
public enum CongestionControl {
  /** Model-based (bottleneck bandwidth and min RTT); random loss does not collapse it. The default. */
  BBR,
  /** Loss-based RFC 9002 NewReno; kept as a fallback and for comparison. */
  NEW_RENO;

  /** A fresh controller for one connection; {@code random} jitters BBR's probe timing. */
  public CongestionController create(long now, RandomGenerator random) {
    return switch (this) {
      case BBR -> new Bbr(now, random);
      case NEW_RENO -> new NewReno();
    };
  }

  /** RFC 9002 7.2: initial window of 10 packets, within 14720 bytes. */
  public static final long INITIAL_WINDOW =
      Math.min(10L * TransportSpec.MAX_PACKET_SIZE, Math.max(2L * TransportSpec.MAX_PACKET_SIZE, 14_720L));
  /** RFC 9002 7.2: minimum window of 2 packets. */
  public static final long MINIMUM_WINDOW = 2L * TransportSpec.MAX_PACKET_SIZE;
}
