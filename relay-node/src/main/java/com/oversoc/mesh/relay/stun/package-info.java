/**
 * The relay's STUN server on UDP (3478 by default): it answers Binding requests with the address
 * they came from, so nodes learn their public address for direct paths. The answers themselves
 * come from {@link com.oversoc.mesh.protocol.stun.StunResponder}; this package moves datagrams.
 */
package com.oversoc.mesh.relay.stun;
