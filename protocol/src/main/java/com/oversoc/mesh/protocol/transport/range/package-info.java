/**
 * Sets of half-open {@code long} intervals: which packet numbers arrived, which stream bytes were
 * received, acknowledged or lost. Shared by acknowledgement tracking and streams.
 */
package com.oversoc.mesh.protocol.transport.range;
