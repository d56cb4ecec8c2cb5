/**
 * The relay's counters and gauges (clients, packets and bytes forwarded, drops by reason, send
 * queue depth, admission refusals, STUN) and the Prometheus text endpoint that serves them.
 */
package com.oversoc.mesh.relay.metrics;
