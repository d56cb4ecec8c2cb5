package com.oversoc.mesh.actors.transport;

import java.util.function.Consumer;

/** Two {@link DatagramLink}s joined back to back in memory, for tests and single-process meshes. */
public final class InMemoryDatagramLink implements DatagramLink {
  private volatile InMemoryDatagramLink peer;
  private volatile Consumer<byte[]> receiver = d -> { };

  private InMemoryDatagramLink() {}

  /** A connected pair: what one sends, the other receives. */
  public static InMemoryDatagramLink[] pair() {
    InMemoryDatagramLink a = new InMemoryDatagramLink();
    InMemoryDatagramLink b = new InMemoryDatagramLink();
    a.peer = b;
    b.peer = a;
    return new InMemoryDatagramLink[] {a, b};
  }

  @Override
  public void send(byte[] datagram) {
    peer.receiver.accept(datagram);
  }

  @Override
  public void setReceiver(Consumer<byte[]> receiver) {
    this.receiver = receiver;
  }
}
