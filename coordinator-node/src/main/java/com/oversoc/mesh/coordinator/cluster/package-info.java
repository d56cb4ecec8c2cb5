/**
 * Coordinator replicas as one Pekko cluster: its settings (seed nodes, downing) and the Kryo
 * serializer, registration required, for the change events that cross it.
 */
package com.oversoc.mesh.coordinator.cluster;
