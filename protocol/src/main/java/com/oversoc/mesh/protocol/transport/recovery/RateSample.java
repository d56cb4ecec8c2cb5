package com.oversoc.mesh.protocol.transport.recovery;

/**
 * One delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation 3.3), taken per ACK.
 *
 * @param deliveryRate bytes per second, or -1 if the sample is invalid
 * @param delivered bytes delivered over the sample's interval
 * @param priorDelivered connection's delivered count when the newest acknowledged packet was sent
 * @param interval nanoseconds the sample spans
 * @param appLimited the newest acknowledged packet was sent while the application had nothing to send
 * @param txInFlight bytes in flight when the newest acknowledged packet was sent
 * @param lost bytes declared lost since the newest acknowledged packet was sent
 * @param newlyAcked bytes this ACK acknowledged
 * @param newlyLost bytes this ACK (or timer) declared lost
 * @param rtt RTT measured on the newest acknowledged packet, or -1
 */
public record RateSample(
    long deliveryRate,
    long delivered,
    long priorDelivered,
    long interval,
    boolean appLimited,
    long txInFlight,
    long lost,
    long newlyAcked,
    long newlyLost,
    long rtt) {}
