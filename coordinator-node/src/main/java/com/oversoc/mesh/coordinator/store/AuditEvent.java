package com.oversoc.mesh.coordinator.store;

import java.time.Instant;

/**
 * Who did what, when.
 *
 * @param actor "admin:&lt;token id&gt;", "node:&lt;node id&gt;" or "coordinator" for its own sweeps
 * @param action a dotted verb, e.g. {@code node.enroll}, {@code preauth_key.revoke}
 * @param target what it was done to, e.g. "node:17", "preauth_key:0f3a..."
 */
public record AuditEvent(long eventId, Instant at, String actor, String action, String target, String detail) {}
