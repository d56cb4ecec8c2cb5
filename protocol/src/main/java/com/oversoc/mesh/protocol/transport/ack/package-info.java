/**
 * The receiving half of acknowledgement: which packet numbers arrived, which are duplicates,
 * when an ACK is due (every second ack-eliciting packet, at once on reordering, else within
 * max_ack_delay) and what it says.
 */
package com.oversoc.mesh.protocol.transport.ack;
