package com.oversoc.mesh.coordinator.store;

import com.oversoc.mesh.protocol.control.pb.NodeRole;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A pre-auth key as stored: its public id and attributes, never its secret. */
public record PreAuthKeyRecord(
    String keyId,
    String tenant,
    NodeRole role,
    List<String> tags,
    boolean reusable,
    boolean ephemeral,
    String description,
    Instant createdAt,
    String createdBy,
    Instant expiresAt,
    Optional<Instant> revokedAt,
    Optional<Instant> usedAt,
    int useCount) {

  /** "valid", "expired", "used" or "revoked", as listings show it at {@code now}. */
  public String state(Instant now) {
    if (revokedAt.isPresent()) {
      return "revoked";
    }
    if (!reusable && usedAt.isPresent()) {
      return "used";
    }
    return now.isBefore(expiresAt) ? "valid" : "expired";
  }
}
