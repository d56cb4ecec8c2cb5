/**
 * The coordinator: enrollment with pre-auth keys, machine and node keys, mesh addresses,
 * policy, streaming peer maps, revocation, storage and the admin API. It never carries data.
 */
package com.oversoc.mesh.coordinator;
