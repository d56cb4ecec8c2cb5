package com.oversoc.mesh.protocol.noise;

/**
 * The two ciphers a completed handshake yields, seen from one side, and the handshake hash both
 * sides share (a channel-binding value: equal on both ends of one handshake, unique to it).
 *
 * @param sender encrypts what this side sends
 * @param receiver decrypts what this side receives
 * @param handshakeHash 32 bytes
 */
public record TransportCiphers(CipherState sender, CipherState receiver, byte[] handshakeHash) {
  public TransportCiphers {
    handshakeHash = handshakeHash.clone();
  }

  @Override
  public byte[] handshakeHash() {
    return handshakeHash.clone();
  }

  /** Zeros both keys. */
  public void destroy() {
    sender.destroy();
    receiver.destroy();
  }
}
