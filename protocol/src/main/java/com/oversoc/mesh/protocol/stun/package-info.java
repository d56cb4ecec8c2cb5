/**
 * STUN (RFC 8489, formerly RFC 5389) Binding: the message codec with XOR-MAPPED-ADDRESS,
 * MAPPED-ADDRESS and FINGERPRINT, what a relay's STUN server answers to a request (including
 * RFC 3489 clients), and a client transaction with the RFC's retransmission schedule. Pure code:
 * datagrams in and out, time as an argument.
 */
package com.oversoc.mesh.protocol.stun;
