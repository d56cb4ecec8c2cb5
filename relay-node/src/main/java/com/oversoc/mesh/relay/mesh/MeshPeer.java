package com.oversoc.mesh.relay.mesh;

import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;

/** A sibling relay of the same region: where it listens and the static key it proves. */
public record MeshPeer(Endpoint address, RelayPublicKey key) {
  /**
   * Parses {@code <relay public key>@host:port}, the form the relay map and configuration use.
   *
   * @throws IllegalArgumentException (a key or address format exception) saying what is wrong
   */
  public static MeshPeer parse(String text) {
    int at = text.indexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("'" + text + "' has no '@' between the relay key and host:port");
    }
    return new MeshPeer(Endpoint.parse(text.substring(at + 1)), RelayPublicKey.parse(text.substring(0, at)));
  }

  /** "host:port" for logs and actor names. */
  public String name() {
    return address.toString();
  }
}
