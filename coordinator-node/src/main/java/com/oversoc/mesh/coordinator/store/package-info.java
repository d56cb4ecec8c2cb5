/**
 * The coordinator's durable state over JDBC (H2 embedded or PostgreSQL) with Flyway
 * migrations: pre-auth keys and admin tokens (hashed), nodes and every key they ever used,
 * policy versions and the audit log. Each write is one transaction with its audit event.
 */
package com.oversoc.mesh.coordinator.store;
