package com.oversoc.mesh.coordinator.store;

import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An enrolled node (or relay) as stored.
 *
 * @param previousNodeKey the key before the last rotation, accepted until {@code previousKeyValidUntil}
 * @param rowVersion bumped by every update; replicas apply a reloaded row only if it is newer
 */
public record NodeRecord(
    long nodeId,
    MachinePublicKey machineKey,
    NodePublicKey nodeKey,
    Instant nodeKeyExpiresAt,
    Optional<NodePublicKey> previousNodeKey,
    Optional<Instant> previousKeyValidUntil,
    String name,
    String tenant,
    NodeRole role,
    List<String> tags,
    boolean ephemeral,
    String preAuthKeyId,
    Instant createdAt,
    Instant lastSeenAt,
    List<IpEndpoint> endpoints,
    int homeRelay,
    Optional<Instant> revokedAt,
    Optional<String> revokedReason,
    long rowVersion) {

  public boolean isRevoked() {
    return revokedAt.isPresent();
  }
}
