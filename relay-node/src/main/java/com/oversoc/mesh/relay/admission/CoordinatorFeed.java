package com.oversoc.mesh.relay.admission;

import com.oversoc.mesh.actors.control.ControlClient;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.pb.ActiveKey;
import com.oversoc.mesh.protocol.control.pb.ActiveKeysUpdate;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The coordinator's active-keys feed, as a relay's {@link ControlClient} delivers it, turned
 * into the relay's {@link ActiveKeySet}: a full set replaces the view (keys missing from it are
 * disconnected), a delta adds keys, removes them and revokes them (revoked keys are disconnected
 * at once and refused as REVOKED), and every update and every keepalive confirms the view, so
 * {@link Admission}'s grace period counts from the coordinator's last word.
 *
 * <p>Only what the connection's session accepted is applied: an update it refused (a gap in
 * the sequence, a malformed key) ends the connection, and the next one starts from a full set.
 * A keepalive confirms the view only once this connection has delivered its full set, since
 * until then the view is the previous connection's and may lack revocations made in between.
 */
public final class CoordinatorFeed implements ControlClient.Listener {
  private final ActiveKeySet target;

  public CoordinatorFeed(ActiveKeySet target) {
    this.target = target;
  }

  @Override
  public void onMessage(ControlClientSession session, ServerMessage message, ControlClientSession.Reaction reaction) {
    if (reaction.error().isPresent()) {
      return;
    }
    switch (message.getBodyCase()) {
      case ACTIVE_KEYS -> apply(message.getActiveKeys());
      case KEEPALIVE -> {
        boolean current;
        synchronized (session) {
          current = session.activeKeys().isPresent();
        }
        if (current) {
          target.confirm();
        }
      }
      default -> { }
    }
  }

  private void apply(ActiveKeysUpdate u) {
    if (u.getFull()) {
      Map<NodePublicKey, Instant> keys = new HashMap<>();
      for (ActiveKey a : u.getAddedList()) {
        keys.put(key(a.getNodeKey()), Instant.ofEpochMilli(a.getExpiresUnixMs()));
      }
      target.replaceAll(keys);
      return;
    }
    // In the order the session applied them: removals first, then additions.
    u.getRemovedList().forEach(k -> target.remove(key(k)));
    u.getRevokedList().forEach(k -> target.revoke(key(k)));
    for (ActiveKey a : u.getAddedList()) {
      target.add(key(a.getNodeKey()), Instant.ofEpochMilli(a.getExpiresUnixMs()));
    }
    if (u.getAddedCount() + u.getRemovedCount() + u.getRevokedCount() == 0) {
      target.confirm();
    }
  }

  /** The session validated every key of an update it accepted (32 bytes). */
  private static NodePublicKey key(com.google.protobuf.ByteString bytes) {
    return new NodePublicKey(bytes.toByteArray());
  }
}
