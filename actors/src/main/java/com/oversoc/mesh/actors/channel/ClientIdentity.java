package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.key.PublicKey;

/**
 * What a server knows once a client is proven: its static key (it completed the handshake with
 * it and its first record opened) and the hello it sent.
 *
 * @param handshakeHash equal on both ends of this channel and nowhere else; binds data to it
 */
public record ClientIdentity<C extends PublicKey>(C clientKey, byte[] hello, byte[] handshakeHash) {}
