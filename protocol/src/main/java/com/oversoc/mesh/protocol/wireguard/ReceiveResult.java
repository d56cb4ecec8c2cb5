package com.oversoc.mesh.protocol.wireguard;

import java.util.Objects;

/** What became of one received datagram: taken (as which message) or dropped (and why). */
public sealed interface ReceiveResult {
  /** The message was authenticated and acted on; {@code keepalive} for transport data without a packet. */
  record Accepted(MessageType type, boolean keepalive) implements ReceiveResult {}

  /** The datagram was dropped, changing no session; {@code detail} says what was wrong, for logs. */
  record Dropped(DropReason reason, String detail) implements ReceiveResult {
    public Dropped {
      Objects.requireNonNull(reason, "reason");
    }
  }

  Accepted INITIATION = new Accepted(MessageType.HANDSHAKE_INITIATION, false);
  Accepted RESPONSE = new Accepted(MessageType.HANDSHAKE_RESPONSE, false);
  Accepted COOKIE = new Accepted(MessageType.COOKIE_REPLY, false);
  Accepted DATA = new Accepted(MessageType.TRANSPORT_DATA, false);
  Accepted KEEPALIVE = new Accepted(MessageType.TRANSPORT_DATA, true);

  static Dropped drop(DropReason reason, String detail) {
    return new Dropped(reason, detail);
  }

  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /** The drop reason, or null if accepted. */
  default DropReason dropReason() {
    return this instanceof Dropped d ? d.reason() : null;
  }
}
