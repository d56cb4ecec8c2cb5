package com.oversoc.mesh.actors.path;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.net.InetSocketAddress;
import java.util.Objects;

/** Where a datagram goes or came from: a direct UDP endpoint, or a peer through a relay region. */
public sealed interface PathAddress {
  /** A peer's IP endpoint, reached over the node's UDP socket. Never a name: the address is resolved. */
  record Direct(InetSocketAddress endpoint) implements PathAddress {
    public Direct {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.isUnresolved()) {
        throw new IllegalArgumentException("a direct path is an IP endpoint, not a name: " + endpoint);
      }
    }

    @Override
    public String toString() {
      return "udp:" + endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort();
    }
  }

  /** A peer reached by its node key through a relay of {@code region}. */
  record Relayed(int region, NodePublicKey peer) implements PathAddress {
    public Relayed {
      Objects.requireNonNull(peer, "peer");
    }

    @Override
    public String toString() {
      return "relay:" + region + "/" + peer.shortString();
    }
  }

  /** An address on an in-memory network (tests and the simulator). */
  record Memory(String host, int port) implements PathAddress {
    @Override
    public String toString() {
      return "mem:" + host + ":" + port;
    }
  }

  /** Whether the path is a direct one (UDP or in-memory), not through a relay. */
  default boolean isDirect() {
    return !(this instanceof Relayed);
  }
}
