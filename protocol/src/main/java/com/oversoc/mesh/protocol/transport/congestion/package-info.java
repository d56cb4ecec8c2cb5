/**
 * Congestion control and pacing: how much may be in flight and how fast packets leave. BBR (a
 * model of bottleneck bandwidth and minimum RTT, after draft-ietf-ccwg-bbr) is the default;
 * NewReno (RFC 9002 section 7) is the selectable fallback. Both sit behind {@link
 * com.oversoc.mesh.protocol.transport.congestion.CongestionController}, and the {@link
 * com.oversoc.mesh.protocol.transport.congestion.Pacer} spreads every window over time.
 */
package com.oversoc.mesh.protocol.transport.congestion;
