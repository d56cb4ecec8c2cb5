package com.oversoc.mesh.relay.mesh;

import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;

/** A sibling relay of the same region: where it listens and the static key it proves. */
public record MeshPeer(Endpoint address, RelayPublicKey key) {
  /** "host:port" for logs and actor names. */
  public String name() {
    return address.toString();
  }
}
