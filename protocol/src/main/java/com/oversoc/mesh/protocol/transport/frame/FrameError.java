package com.oversoc.mesh.protocol.transport.frame;

/** Why a packet or frame could not be decoded. */
public enum FrameError {
  /** The packet is shorter than its header. */
  PACKET_TOO_SHORT,
  /** The packet is longer than {@link com.oversoc.mesh.protocol.transport.TransportSpec#MAX_PACKET_SIZE}. */
  PACKET_TOO_LONG,
  /** The version byte is not one this build speaks. */
  UNSUPPORTED_VERSION,
  /** The packet belongs to another connection (an earlier or later one between the same peers). */
  UNKNOWN_CONNECTION,
  /** The packet header is followed by no frame. */
  NO_FRAMES,
  /** A frame type byte this build does not know. */
  UNKNOWN_FRAME_TYPE,
  /** A frame ends past the end of the packet. */
  TRUNCATED,
  /** A field holds a value its frame forbids (range underflow, too many ranges, offset overflow...). */
  INVALID_FIELD
}
