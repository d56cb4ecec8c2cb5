/**
 * Netcheck: a round of STUN probes to every relay region's servers over the node's own UDP
 * socket, and its {@link com.oversoc.mesh.protocol.netcheck.Report}: whether UDP works, the
 * public endpoints the relays saw, each region's latency and the home region, chosen with
 * hysteresis. Pure: datagrams in and out, time and randomness as inputs; the actors send what a
 * round asks and resolve relay host names.
 */
package com.oversoc.mesh.protocol.netcheck;
