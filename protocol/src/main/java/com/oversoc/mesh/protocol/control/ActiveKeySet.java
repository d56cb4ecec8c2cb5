package com.oversoc.mesh.protocol.control;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.ActiveKey;
import com.oversoc.mesh.protocol.control.pb.ActiveKeysUpdate;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node keys a relay may admit, as the coordinator's active-keys feed describes them: a full
 * set, then deltas of added and removed keys, each with a per-connection seq. A key is active
 * while it is in the set and its expiry has not passed, so a relay cut off from the coordinator
 * still stops admitting keys as they expire (and fails closed altogether after its own grace
 * period, which is the relay's rule, not this class's).
 *
 * @param seq seq of the last update applied
 * @param keys every key in the set with its owner and expiry
 */
public record ActiveKeySet(long seq, Map<NodePublicKey, Entry> keys) {

  /** The owner of an active key and when it stops being valid. */
  public record Entry(long nodeId, Instant expires) {}

  public ActiveKeySet {
    keys = Collections.unmodifiableMap(new HashMap<>(keys));
  }

  public boolean isActive(NodePublicKey key, Instant now) {
    Entry e = keys.get(key);
    return e != null && now.isBefore(e.expires());
  }

  public Optional<Entry> entry(NodePublicKey key) {
    return Optional.ofNullable(keys.get(key));
  }

  /**
   * What one update changed, for a relay that drops clients of removed keys.
   *
   * @param removed keys gone without a revocation (expired, rotated away, deleted)
   * @param revoked keys gone because their node was revoked
   */
  public record Update(ActiveKeySet set, List<NodePublicKey> added, List<NodePublicKey> removed,
      List<NodePublicKey> revoked) {}

  /**
   * Applies a full set or a delta; validated before anything changes.
   *
   * @param current null before the first full set of a connection
   * @throws ControlException MALFORMED_MESSAGE for bad keys, UNEXPECTED_MESSAGE for a delta that
   *     does not follow {@code current}, or that removes a key not in the set
   */
  public static Update apply(ActiveKeySet current, ActiveKeysUpdate u) throws ControlException {
    if (!u.getFull()) {
      if (current == null) {
        throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE, "active-keys delta before the full set");
      }
      if (u.getSeq() != current.seq() + 1) {
        throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE,
            "active-keys seq " + u.getSeq() + " does not follow " + current.seq());
      }
    } else if (u.getRemovedCount() + u.getRevokedCount() > 0) {
      throw MapValidation.malformed("a full active-keys set has no removals");
    }
    Map<NodePublicKey, Entry> keys =
        u.getFull() || current == null ? new HashMap<>() : new HashMap<>(current.keys());
    List<NodePublicKey> removed = takeOut(keys, u.getRemovedList());
    List<NodePublicKey> revoked = takeOut(keys, u.getRevokedList());
    List<NodePublicKey> added = new ArrayList<>();
    for (ActiveKey a : u.getAddedList()) {
      MapValidation.key(a.getNodeKey(), "active key");
      NodePublicKey key = new NodePublicKey(a.getNodeKey().toByteArray());
      keys.put(key, new Entry(a.getNodeId(), Instant.ofEpochMilli(a.getExpiresUnixMs())));
      added.add(key);
    }
    if (u.getFull() && current != null) {
      for (NodePublicKey k : current.keys().keySet()) {
        if (!keys.containsKey(k)) {
          removed.add(k);
        }
      }
    }
    return new Update(new ActiveKeySet(u.getSeq(), keys), List.copyOf(added), List.copyOf(removed),
        List.copyOf(revoked));
  }

  private static List<NodePublicKey> takeOut(Map<NodePublicKey, Entry> keys, List<ByteString> wire)
      throws ControlException {
    List<NodePublicKey> out = new ArrayList<>();
    for (ByteString k : wire) {
      MapValidation.key(k, "removed key");
      NodePublicKey key = new NodePublicKey(k.toByteArray());
      if (keys.remove(key) == null) {
        throw new ControlException(ControlError.Code.UNEXPECTED_MESSAGE,
            "active-keys delta removes " + key.shortString() + ", which is not in the set");
      }
      out.add(key);
    }
    return out;
  }

  /** The coordinator's side: the full-set message for this set. */
  public ActiveKeysUpdate toFull() {
    ActiveKeysUpdate.Builder b = ActiveKeysUpdate.newBuilder().setSeq(seq).setFull(true);
    keys.forEach((k, e) -> b.addAdded(wire(k, e)));
    return b.build();
  }

  /**
   * The coordinator's side: the delta from this set to {@code to}, empty if they agree. Keys
   * that leave and are in {@code revoked} go as revocations, the others as plain removals.
   */
  public Optional<ActiveKeysUpdate> deltaTo(Map<NodePublicKey, Entry> to, Set<NodePublicKey> revoked) {
    ActiveKeysUpdate.Builder b = ActiveKeysUpdate.newBuilder().setSeq(seq + 1).setFull(false);
    for (NodePublicKey k : keys.keySet()) {
      if (!to.containsKey(k)) {
        ByteString wire = ByteString.copyFrom(k.bytes());
        if (revoked.contains(k)) {
          b.addRevoked(wire);
        } else {
          b.addRemoved(wire);
        }
      }
    }
    to.forEach((k, e) -> {
      if (!e.equals(keys.get(k))) {
        b.addAdded(wire(k, e));
      }
    });
    return b.getAddedCount() + b.getRemovedCount() + b.getRevokedCount() == 0
        ? Optional.empty()
        : Optional.of(b.build());
  }

  private static ActiveKey wire(NodePublicKey k, Entry e) {
    return ActiveKey.newBuilder()
        .setNodeKey(ByteString.copyFrom(k.bytes()))
        .setNodeId(e.nodeId())
        .setExpiresUnixMs(e.expires().toEpochMilli())
        .build();
  }
}
