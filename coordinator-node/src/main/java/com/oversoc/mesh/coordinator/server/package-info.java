/**
 * The control protocol's server side: the TCP listener under the secure channel, the
 * per-connection flow, and the session actor that enrolls, streams the peer map (or the relays'
 * active-keys set), handles rotation and endpoint reports, and closes dead or misbehaving
 * connections with a typed error.
 */
package com.oversoc.mesh.coordinator.server;
