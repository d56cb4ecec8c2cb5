/**
 * Pure protocol code shared by every role: typed keys, cryptographic primitives, the wire
 * formats of the control, relay and data planes, and their state machines. Nothing in this
 * module starts a thread, touches a socket or a file, or reads the wall clock; time and
 * randomness are always passed in, so every class here is deterministic under test.
 */
package com.oversoc.mesh.protocol;
