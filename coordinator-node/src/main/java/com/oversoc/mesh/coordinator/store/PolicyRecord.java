package com.oversoc.mesh.coordinator.store;

import java.time.Instant;

/** One stored version of the policy document (the newest is in force). */
public record PolicyRecord(long version, String document, Instant createdAt, String createdBy) {}
