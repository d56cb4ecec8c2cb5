/**
 * A deterministic model of a datagram link for discrete-event simulation in virtual time:
 * seeded loss, duplication, reordering and jitter, a bandwidth limit with a drop-tail queue, an
 * MTU, one-way delay, and profile changes at any moment (a path switch). The transport
 * acceptance tests use it now; the in-memory network simulator reuses it for its links.
 */
package com.oversoc.mesh.sim.link;
