/**
 * The access policy as data: a HOCON (or JSON) document that says which platform nodes may
 * reach which gateways, its validation, and the evaluation the peer maps are built from.
 */
package com.oversoc.mesh.coordinator.policy;
