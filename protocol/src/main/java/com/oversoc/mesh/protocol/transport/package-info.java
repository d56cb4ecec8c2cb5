/**
 * The mesh transport: reliable, ordered, flow- and congestion-controlled streams over the
 * encrypted datagrams of one peer pair, shaped like QUIC (RFC 9000 streams and credit, RFC 9002
 * loss detection, a BBR congestion controller). {@link com.oversoc.mesh.protocol.transport.Connection}
 * is the whole state machine: datagrams and time go in, datagrams, events and the next deadline
 * come out; it has no threads, no I/O and no clock of its own.
 */
package com.oversoc.mesh.protocol.transport;
