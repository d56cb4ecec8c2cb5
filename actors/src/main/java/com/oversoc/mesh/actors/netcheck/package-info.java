/**
 * The node's netcheck: rounds of STUN probes to the relays over the node's own UDP socket (at
 * start, when the relay map changes and periodically), whose reports give the public endpoints
 * to tell the coordinator and the home relay. The rounds themselves are the pure
 * {@link com.oversoc.mesh.protocol.netcheck.Netcheck}; this package resolves relay host names,
 * moves datagrams and keeps the timers.
 */
package com.oversoc.mesh.actors.netcheck;
