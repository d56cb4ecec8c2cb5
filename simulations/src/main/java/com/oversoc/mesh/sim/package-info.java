/**
 * An in-memory virtual network (hosts, links with latency, loss, bandwidth and MTU, NATs,
 * firewalls) on which whole meshes run in one JVM, plus the scenarios and benchmarks built on it.
 */
package com.oversoc.mesh.sim;
