/**
 * The transport's wire format: the packet header and every frame, each documented with its bit
 * layout and OFFSET/SIZE constants, hand-laid over {@link java.nio.ByteBuffer}s. Decoding is
 * all-or-nothing per packet and fails with a typed {@link
 * com.oversoc.mesh.protocol.transport.frame.FrameException}; no length read from the wire makes
 * the decoder allocate more than the packet or the named per-frame limits.
 */
package com.oversoc.mesh.protocol.transport.frame;
