package com.oversoc.mesh.coordinator.mesh;

/** Where writers announce committed changes; the cluster topic in production, direct in tests. */
@FunctionalInterface
public interface ChangeBus {
  void publish(MeshChange change);
}
