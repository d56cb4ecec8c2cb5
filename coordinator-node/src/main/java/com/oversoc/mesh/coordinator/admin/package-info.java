/**
 * The coordinator's admin API: JSON over HTTP behind a bearer admin token (stored hashed), for
 * pre-auth keys, nodes, the policy document and the audit log; every call is audited.
 */
package com.oversoc.mesh.coordinator.admin;
