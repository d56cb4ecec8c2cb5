/**
 * Runs mesh transport connections over simulated links in virtual time: an endpoint that drives
 * a {@link com.oversoc.mesh.protocol.transport.Connection} from the scheduler, and the bulk
 * transfer scenario (N streams each way, SHA-256 checked, goodput and stalls measured) that the
 * acceptance tests and benchmarks share.
 */
package com.oversoc.mesh.sim.transport;
