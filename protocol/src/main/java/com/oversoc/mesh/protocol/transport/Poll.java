package com.oversoc.mesh.protocol.transport;

import java.util.List;

/**
 * What {@link Connection#poll} produced.
 *
 * @param datagrams transport packets to hand to the datagram layer now, in order
 * @param nextDeadline monotonic nanoseconds at which to call {@code poll} again even if nothing
 *     arrives ({@link Long#MAX_VALUE}: only when something happens)
 */
public record Poll(List<byte[]> datagrams, long nextDeadline) {}
