package com.oversoc.mesh.coordinator.mesh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.coordinator.TestMesh;
import com.oversoc.mesh.coordinator.policy.Policy;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.protocol.control.MeshAddresses;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The distributor's view of the nodes, fed by reloads that may complete in any order. */
class MeshStateTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

  private final MeshState state = new MeshState(MeshAddresses.UlaPrefix.generate(RANDOM), TestMesh.relayMap(),
      Policy.DEFAULT);
  private final NodeRecord enrolled = new NodeRecord(7, MachinePrivateKey.generate(RANDOM).publicKey(),
      NodePrivateKey.generate(RANDOM).publicKey(), T.plusSeconds(86_400), Optional.empty(), Optional.empty(), "relay-1",
      "oversoc", NodeRole.NODE_ROLE_RELAY, List.of(), false, "key-1", T, T, List.of(), 0, Optional.empty(),
      Optional.empty(), 1);
  private final NodeRecord revoked = new NodeRecord(7, enrolled.machineKey(), enrolled.nodeKey(),
      enrolled.nodeKeyExpiresAt(), Optional.empty(), Optional.empty(), "relay-1", "oversoc", NodeRole.NODE_ROLE_RELAY,
      List.of(), false, "key-1", T, T, List.of(), 0, Optional.of(T.plusSeconds(1)), Optional.of("retired"), 2);

  @Test
  void aRevocationReloadedBeforeTheEnrollmentKeepsTheNodeOut() {
    assertFalse(state.put(revoked), "a revoked node that was never held changes nothing");
    assertFalse(state.put(enrolled), "and its enrollment, reloaded late, does not bring it back");
    assertTrue(state.node(7).isEmpty());
  }

  @Test
  void inOrderTheNodeComesAndGoes() {
    assertTrue(state.put(enrolled));
    assertTrue(state.node(7).isPresent());
    assertTrue(state.put(revoked));
    assertTrue(state.node(7).isEmpty());
    assertFalse(state.put(enrolled), "a repeated old reload does not bring it back either");
  }
}
