package com.oversoc.mesh.actors.relay;

/** Why a packet was dropped instead of delivered; every drop is counted under one of these. */
public enum DropReason {
  /** The relay knows no client (local or in its region) with the destination key. */
  UNKNOWN_DESTINATION("unknown_destination"),
  /** The destination's send queue was full; its oldest packet made room for the new one. */
  QUEUE_FULL("queue_full"),
  /** Writing to the destination failed or timed out; what was queued for it is lost. */
  WRITE_ERROR("write_error"),
  /** A newer connection with the same key took over; what was queued for the old one is lost. */
  DUPLICATE_CLIENT("duplicate_client"),
  /** The destination disconnected while the packet was queued or on its way. */
  GONE("gone"),
  /** Client side only: the node had no admitted connection to its relay. */
  NOT_CONNECTED("not_connected");

  private final String label;

  DropReason(String label) {
    this.label = label;
  }

  /** The metric label value, e.g. {@code queue_full}. */
  public String label() {
    return label;
  }
}
