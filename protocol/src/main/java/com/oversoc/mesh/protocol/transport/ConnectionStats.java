package com.oversoc.mesh.protocol.transport;

/**
 * A snapshot of one connection's counters and path model.
 *
 * @param packetsSent transport packets handed to the datagram layer
 * @param packetsReceived packets accepted (not duplicates, not malformed)
 * @param packetsLost packets declared lost by recovery
 * @param duplicatesDropped packets dropped as duplicates or too old
 * @param malformedDropped packets dropped because they did not decode
 * @param streamBytesSent new stream bytes sent (retransmissions excluded)
 * @param streamBytesRetransmitted stream bytes sent again after a loss
 * @param smoothedRttNanos RFC 9002 smoothed RTT
 * @param minRttNanos minimum RTT seen, or -1
 * @param congestionWindow bytes the controller allows in flight
 * @param bytesInFlight bytes sent and not yet acknowledged or lost
 * @param pacingRate bytes per second
 * @param congestionState the controller's state name
 */
public record ConnectionStats(
    long packetsSent,
    long packetsReceived,
    long packetsLost,
    long duplicatesDropped,
    long malformedDropped,
    long streamBytesSent,
    long streamBytesRetransmitted,
    long smoothedRttNanos,
    long minRttNanos,
    long congestionWindow,
    long bytesInFlight,
    long pacingRate,
    String congestionState) {}
