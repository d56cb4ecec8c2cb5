package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.key.PublicKey;

/**
 * What a client knows once the server accepted it: the server is the pinned key (the handshake
 * proved it) and sent {@code welcome}.
 *
 * @param handshakeHash equal on both ends of this channel and nowhere else; binds data to it
 */
public record ServerIdentity<S extends PublicKey>(S serverKey, byte[] welcome, byte[] handshakeHash) {}
