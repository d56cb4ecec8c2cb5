package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrames;
import java.util.Optional;

/**
 * A relay refuses a key it will not admit already in the secure channel's handshake, before it
 * spends anything on the connection. The channel carries a refusal as text; this writes a
 * {@link CloseReason} at its start ({@code "REVOKED: node key ... was revoked"}) and reads it
 * back on the client, so a node learns the same reason as from a CLOSING frame.
 */
public final class HandshakeRefusal {
  private static final String SEPARATOR = ": ";

  private HandshakeRefusal() {}

  /** The refusal text for the channel, within its length limit. */
  public static String text(CloseReason reason, String detail) {
    return RelayFrames.truncateUtf8(reason.name() + SEPARATOR + detail, ChannelProtocol.MAX_REFUSAL_REASON);
  }

  /** The relay's reason, if {@code failure} (or a cause of it) is a channel refusal written by {@link #text}. */
  public static Optional<Closing> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ChannelException e && e.reason() == ChannelException.Reason.REFUSED) {
        String text = e.getMessage().substring(e.getMessage().indexOf(SEPARATOR) + SEPARATOR.length());
        int cut = text.indexOf(SEPARATOR);
        if (cut > 0) {
          try {
            return Optional.of(new Closing(CloseReason.valueOf(text.substring(0, cut)),
                text.substring(cut + SEPARATOR.length())));
          } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
          }
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
