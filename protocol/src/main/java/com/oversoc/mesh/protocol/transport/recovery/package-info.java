/**
 * Loss detection and RTT estimation after RFC 9002, and delivery-rate sampling after
 * draft-cheng-iccrg-delivery-rate-estimation: which sent packets are acknowledged, which are
 * lost, when to probe, and what the path delivered. Decisions about rate and window belong to
 * {@code congestion}; what to resend belongs to the connection.
 */
package com.oversoc.mesh.protocol.transport.recovery;
