package com.oversoc.mesh.relay.mesh;

import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.RelayDialer;
import com.oversoc.mesh.actors.relay.SendQueue;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This relay's links to every sibling of its region. Each is a {@link RelayClient} that says
 * MESH_HELLO with the region's mesh key, so it reconnects with backoff like any client; the
 * sibling then announces each of its clients, and the link reports them to the routing table.
 * Packets cross at most one link: a sibling delivers a forwarded packet only to its own clients.
 */
public final class MeshLinks {
  private static final Logger LOG = LoggerFactory.getLogger(MeshLinks.class);

  /** Several relays may share one actor system (tests, the simulator): link names stay unique. */
  private static final AtomicLong LINK_IDS = new AtomicLong();

  private final List<Link> links = new ArrayList<>();

  private MeshLinks() {}

  /**
   * Connects to every peer.
   *
   * @param dialers how to reach each peer (TCP, TLS and the secure channel with this relay's key)
   * @param observer metrics for the links' send queues
   */
  public static MeshLinks start(ActorSystem<?> system, MeshKey meshKey, List<MeshPeer> peers,
      Function<MeshPeer, RelayDialer> dialers, RemoteRoutes routes, SendQueue.Observer observer) {
    MeshLinks m = new MeshLinks();
    for (MeshPeer peer : peers) {
      Link link = new Link(peer.name(), routes);
      link.client = RelayClient.start(system,
          "mesh-" + peer.address().host() + "-" + peer.address().port() + "-" + LINK_IDS.incrementAndGet(),
          RelayClientSettings.mesh(meshKey).withObserver(observer), dialers.apply(peer), link);
      m.links.add(link);
    }
    return m;
  }

  /** Links whose sibling has admitted them. */
  public long linksUp() {
    return links.stream().filter(l -> l.client.state() == RelayClient.State.CONNECTED).count();
  }

  /** Closes every link; completes when all are closed. */
  public CompletionStage<Void> close() {
    return CompletableFuture.allOf(links.stream().map(l -> l.client.closeAsync().toCompletableFuture())
        .toArray(CompletableFuture[]::new));
  }

  private static final class Link implements MeshLink, RelayClient.Listener {
    private final String name;
    private final RemoteRoutes routes;
    private volatile RelayClient client;

    Link(String name, RemoteRoutes routes) {
      this.name = name;
      this.routes = routes;
    }

    @Override
    public boolean forward(NodePublicKey source, NodePublicKey destination, byte[] packet) {
      return client.forward(source, destination, packet);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void onPacket(NodePublicKey source, byte[] packet) {
      // A sibling never sends packets down a mesh link; the client treats RECV_PACKET as a
      // packet for a node, and a relay has no node to give it to.
      LOG.warn("mesh link to {} received a packet from {}; siblings only forward the other way", name,
          source.shortString());
    }

    @Override
    public void onPeerPresent(NodePublicKey peer) {
      routes.present(peer, this);
    }

    @Override
    public void onPeerGone(NodePublicKey peer, PeerGoneReason reason) {
      routes.gone(peer, this);
    }

    @Override
    public void onStateChanged(RelayClient.State state, Optional<CloseReason> refusal, String detail) {
      // Only a connection that ended takes its sibling's clients with it. CONNECTING starts a new
      // connection, which re-announces them; forgetting routes there could drop what it said.
      if (state == RelayClient.State.BACKING_OFF || state == RelayClient.State.CLOSED) {
        routes.linkDown(this);
      }
      if (refusal.isPresent() && !refusal.get().isTransient()) {
        LOG.error("sibling relay {} refused this relay's mesh link: {}", name, detail);
      }
    }

    @Override
    public String toString() {
      return "MeshLink[" + name + "]";
    }
  }
}
