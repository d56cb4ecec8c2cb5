/**
 * Flow control by credit (RFC 9000 section 4): how far the peer may send on a stream and on the
 * whole connection, and windows that grow toward the measured bandwidth-delay product up to a
 * configured cap, so memory per stream and per connection is bounded by configuration.
 */
package com.oversoc.mesh.protocol.transport.flow;
