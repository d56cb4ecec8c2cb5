package com.oversoc.mesh.actors.transport;

import java.util.function.Consumer;

/**
 * Where a transport connection's datagrams go and come from: the mesh node puts the peer's
 * WireGuard session behind it (transport packets as transport-data payloads, whatever path the
 * session currently uses); tests use {@link InMemoryDatagramLink}.
 */
public interface DatagramLink {
  /** Sends one transport packet to the peer; must not block (drop instead: the transport recovers). */
  void send(byte[] datagram);

  /**
   * Sets where the peer's packets are delivered; called once, before traffic. {@code receiver}
   * may be called from any thread.
   */
  void setReceiver(Consumer<byte[]> receiver);
}
