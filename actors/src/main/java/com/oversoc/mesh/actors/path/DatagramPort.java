package com.oversoc.mesh.actors.path;

import java.util.function.BiConsumer;

/**
 * One way for datagrams to leave and arrive: the UDP socket, the relay connections, or an
 * in-memory network. Sending never blocks and may drop (WireGuard and the mesh transport
 * recover); receiving calls the receiver from the port's own thread.
 */
public interface DatagramPort extends AutoCloseable {
  /** Sends {@code datagram} to {@code to}; false if this port cannot reach that kind of address or dropped it. */
  boolean send(PathAddress to, byte[] datagram);

  /** Sets who receives datagrams (the array belongs to the receiver); call once, before traffic. */
  void setReceiver(BiConsumer<PathAddress, byte[]> receiver);

  @Override
  void close();
}
