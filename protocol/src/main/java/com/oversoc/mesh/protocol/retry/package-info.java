/**
 * When a client that lost its server tries again: exponential backoff with jitter, shared by
 * the relay client and the control client. Pure: time and randomness come in as arguments.
 */
package com.oversoc.mesh.protocol.retry;
