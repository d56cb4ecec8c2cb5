/**
 * The coordinator's in-memory view of the mesh and the actor that turns committed changes into
 * per-session map targets: who may see whom under the policy, which sessions a change affects,
 * and the change events that cross replicas.
 */
package com.oversoc.mesh.coordinator.mesh;
