/**
 * Relay benchmarks: forwarding rate per core beside socat, latency of well-behaved clients while
 * another stops reading, and heap per idle client. The relay runs in a child JVM so that its CPU
 * time and heap are its own; load generators run in the parent. Run with
 * {@code ./bench --main com.oversoc.mesh.sim.bench.relay.RelayThroughput} (and RelayFairness, RelayIdleClients).
 */
package com.oversoc.mesh.sim.bench.relay;
