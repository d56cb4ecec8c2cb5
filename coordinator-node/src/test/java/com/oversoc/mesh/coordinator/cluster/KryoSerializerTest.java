package com.oversoc.mesh.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.KryoException;
import com.oversoc.mesh.coordinator.mesh.MeshChange;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {
  final KryoSerializer serializer = new KryoSerializer(null);

  @Test
  void changeEventsRoundTrip() {
    MeshChange.NodesChanged n = MeshChange.nodes(3, 5, 8);
    MeshChange.NodesChanged back = (MeshChange.NodesChanged) serializer.fromBinary(serializer.toBinary(n));
    assertArrayEquals(n.nodeIds(), back.nodeIds());
    assertEquals(new MeshChange.PolicyChanged(7),
        serializer.fromBinary(serializer.toBinary(new MeshChange.PolicyChanged(7))));
  }

  /** Something that is not a registered message; a record like the real ones. */
  record Unregistered(long value) {}

  @Test
  void anUnregisteredClassIsRefusedOnBothSides() {
    IllegalArgumentException write =
        assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(new Unregistered(1)));
    assertTrue(write.getMessage().contains("Class is not registered"), write.getMessage());
    // Class id 999 was never registered: reading it fails instead of instantiating anything.
    byte[] unknownId = {(byte) 0xe9, 0x07, 0x00};
    assertThrows(KryoException.class, () -> serializer.fromBinary(unknownId));
  }
}
