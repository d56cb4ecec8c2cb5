package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.ActiveKey;
import com.oversoc.mesh.protocol.control.pb.ActiveKeysUpdate;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relays' active-keys feed: full set, then deltas that must follow, with expiry. */
class ActiveKeySetTest {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  static NodePublicKey key(int seed) {
    return new NodePublicKey(PeerMapReducerTest.key(seed).toByteArray());
  }

  static ActiveKey wire(int seed, Instant expires) {
    return ActiveKey.newBuilder().setNodeKey(ByteString.copyFrom(key(seed).bytes())).setNodeId(seed)
        .setExpiresUnixMs(expires.toEpochMilli()).build();
  }

  static ActiveKeySet full() throws ControlException {
    return ActiveKeySet.apply(null, ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true)
        .addAdded(wire(1, NOW.plusSeconds(60))).addAdded(wire(2, NOW.plusSeconds(3600))).build()).set();
  }

  @Test
  void aKeyIsActiveWhileInTheSetAndUnexpired() throws Exception {
    ActiveKeySet s = full();
    assertTrue(s.isActive(key(1), NOW));
    assertFalse(s.isActive(key(1), NOW.plusSeconds(60)), "expiry is enforced without the coordinator");
    assertFalse(s.isActive(key(3), NOW));
    assertEquals(2, s.entry(key(2)).orElseThrow().nodeId());
  }

  @Test
  void deltasAddAndRemove() throws Exception {
    var u = ActiveKeySet.apply(full(), ActiveKeysUpdate.newBuilder().setSeq(2)
        .addRemoved(ByteString.copyFrom(key(1).bytes())).addAdded(wire(3, NOW.plusSeconds(60))).build());
    assertEquals(List.of(key(3)), u.added());
    assertEquals(List.of(key(1)), u.removed());
    assertFalse(u.set().isActive(key(1), NOW));
    assertTrue(u.set().isActive(key(3), NOW));
  }

  @Test
  void keysOfRevokedNodesLeaveAsRevocationsTheOthersAsPlainRemovals() throws Exception {
    ActiveKeySet s = full();
    ActiveKeysUpdate d = s.deltaTo(Map.of(), java.util.Set.of(key(2))).orElseThrow();
    assertEquals(1, d.getRemovedCount());
    assertEquals(1, d.getRevokedCount());
    var u = ActiveKeySet.apply(s, d);
    assertEquals(List.of(key(1)), u.removed());
    assertEquals(List.of(key(2)), u.revoked());
    assertTrue(u.set().keys().isEmpty());
    assertEquals(ControlError.Code.MALFORMED_MESSAGE, assertThrows(ControlException.class,
        () -> ActiveKeySet.apply(null, ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true)
            .addRevoked(ByteString.copyFrom(key(1).bytes())).build())).code());
  }

  @Test
  void deltasMustFollowAFullSetInSequence() throws Exception {
    ActiveKeysUpdate d = ActiveKeysUpdate.newBuilder().setSeq(3).addAdded(wire(3, NOW)).build();
    assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, assertThrows(ControlException.class,
        () -> ActiveKeySet.apply(full(), d)).code());
    assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, assertThrows(ControlException.class,
        () -> ActiveKeySet.apply(null, d.toBuilder().setSeq(1).build())).code());
    assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, assertThrows(ControlException.class,
        () -> ActiveKeySet.apply(full(), ActiveKeysUpdate.newBuilder().setSeq(2)
            .addRemoved(ByteString.copyFrom(key(9).bytes())).build())).code());
    assertEquals(ControlError.Code.MALFORMED_MESSAGE, assertThrows(ControlException.class,
        () -> ActiveKeySet.apply(full(), ActiveKeysUpdate.newBuilder().setSeq(2)
            .addRemoved(ByteString.copyFrom(new byte[3])).build())).code());
  }

  @Test
  void aNewFullSetReportsWhatDisappeared() throws Exception {
    var u = ActiveKeySet.apply(full(), ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true)
        .addAdded(wire(2, NOW.plusSeconds(3600))).build());
    assertEquals(List.of(key(1)), u.removed());
  }

  @Test
  void theCoordinatorsDeltaTakesTheRelayToTheTargetSet() throws Exception {
    ActiveKeySet s = full();
    Map<NodePublicKey, ActiveKeySet.Entry> target = new HashMap<>(s.keys());
    target.remove(key(1));
    target.put(key(4), new ActiveKeySet.Entry(4, NOW.plusSeconds(9)));
    target.put(key(2), new ActiveKeySet.Entry(2, NOW.plusSeconds(99)));
    ActiveKeysUpdate d = s.deltaTo(target, java.util.Set.of()).orElseThrow();
    assertEquals(target, ActiveKeySet.apply(s, d).set().keys());
    assertTrue(s.deltaTo(s.keys(), java.util.Set.of()).isEmpty());
    assertEquals(s.keys(), ActiveKeySet.apply(null, s.toFull()).set().keys());
  }
}
