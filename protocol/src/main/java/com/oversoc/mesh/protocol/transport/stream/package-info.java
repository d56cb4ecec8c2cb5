/**
 * One stream's two directions: the send side (buffer, retransmission of lost ranges, FIN and
 * reset) and the receive side (reassembly of out-of-order bytes, final size, reset), plus the
 * stream's lifecycle and the typed codes of STREAM_OPEN_RESULT, RESET_STREAM and STOP_SENDING.
 */
package com.oversoc.mesh.protocol.transport.stream;
