package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.relay.SendQueue;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One connection to the relay: the key its peer proved, its send queue, and what kind of peer it
 * turned out to be. The data path reads it from any thread; its {@link RelayStream} actor owns
 * its lifecycle.
 */
final class ClientSession {
  /** What the hello said the peer is. */
  enum Kind {
    /** No hello yet. */
    PENDING,
    /** A node, admitted. */
    NODE,
    /** A sibling relay that showed the mesh key. */
    MESH
  }

  /**
   * Destinations remembered per client for PEER_GONE notices. A platform node talks to hundreds
   * of gateways; beyond this many it simply gets no notices for the rest.
   */
  static final int MAX_TRACKED_DESTINATIONS = 4096;

  final long id;
  final NodePublicKey key;
  final String remote;
  final SendQueue queue;
  volatile Kind kind = Kind.PENDING;
  volatile boolean home;
  volatile ActorRef<RelayStream.Command> actor;
  /** Destinations this client has sent to; created on its first packet. */
  private volatile Set<NodePublicKey> sentTo;

  ClientSession(long id, NodePublicKey key, String remote, SendQueue queue) {
    this.id = id;
    this.key = key;
    this.remote = remote;
    this.queue = queue;
  }

  /** Records a destination; true the first time it is seen (and there was room). */
  boolean noteSentTo(NodePublicKey destination) {
    Set<NodePublicKey> s = sentTo;
    if (s == null) {
      synchronized (this) {
        if (sentTo == null) {
          sentTo = ConcurrentHashMap.newKeySet();
        }
        s = sentTo;
      }
    }
    return !s.contains(destination) && s.size() < MAX_TRACKED_DESTINATIONS && s.add(destination);
  }

  Set<NodePublicKey> sentTo() {
    Set<NodePublicKey> s = sentTo;
    return s == null ? Set.of() : s;
  }

  @Override
  public String toString() {
    return "client " + key.shortString() + " #" + id + " from " + remote;
  }
}
