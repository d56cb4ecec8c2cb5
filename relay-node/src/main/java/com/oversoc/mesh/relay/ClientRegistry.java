package com.oversoc.mesh.relay;

import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.actors.relay.RelayFraming;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerGone;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerPresent;
import com.oversoc.mesh.protocol.relay.RelayFrame.RecvPacket;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.relay.mesh.MeshLink;
import com.oversoc.mesh.relay.mesh.RemoteRoutes;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.util.ByteString;

/**
 * The relay's routing table: which key is connected here, which is reachable through which
 * sibling, which siblings watch this relay's clients, and who sent to whom (so that a node hears
 * PEER_GONE when a peer it talks to leaves the region).
 *
 * <p>Lookups on the data path are lock-free map reads. Membership changes (connect, disconnect,
 * sibling announcements) take one lock, which also keeps the presence announcements a sibling
 * sees in the same order as the changes.
 */
final class ClientRegistry implements RemoteRoutes {
  /** Where {@link #route} sent a packet. */
  enum Route {
    LOCAL,
    MESH,
    UNKNOWN
  }

  private final RelayMetrics metrics;
  private final ConcurrentHashMap<NodePublicKey, ClientSession> local = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<NodePublicKey, List<MeshLink>> remote = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<NodePublicKey, Set<ClientSession>> senders = new ConcurrentHashMap<>();
  private final Set<ClientSession> watchers = ConcurrentHashMap.newKeySet();
  private final Set<ClientSession> open = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private volatile CompletableFuture<Done> drained;

  ClientRegistry(RelayMetrics metrics) {
    this.metrics = metrics;
  }

  // ---- Lifecycle of connections (admitted or not). ----

  void opened(ClientSession s) {
    open.add(s);
  }

  void closed(ClientSession s) {
    open.remove(s);
    CompletableFuture<Done> d = drained;
    if (d != null && open.isEmpty()) {
      d.complete(Done.getInstance());
    }
  }

  /** Completes once every open connection has closed. */
  CompletionStage<Done> drained() {
    CompletableFuture<Done> d = new CompletableFuture<>();
    drained = d;
    if (open.isEmpty()) {
      d.complete(Done.getInstance());
    }
    return d;
  }

  Collection<ClientSession> openSessions() {
    return List.copyOf(open);
  }

  // ---- Membership. ----

  /** Makes {@code s} the active connection for its key; returns the one it displaced, or null. */
  ClientSession register(ClientSession s) {
    synchronized (lock) {
      ClientSession old = local.put(s.key, s);
      announce(s.key, new PeerPresent(s.key));
      return old;
    }
  }

  /**
   * Stops routing to {@code s}. If it was the active connection and its key is now nowhere in the
   * region, siblings and the key's senders are told, with {@code why}.
   */
  void unregister(ClientSession s, PeerGoneReason why) {
    boolean wasActive;
    boolean goneFromRegion;
    synchronized (lock) {
      wasActive = local.remove(s.key, s);
      if (wasActive) {
        announce(s.key, new PeerGone(s.key, PeerGoneReason.DISCONNECTED));
      }
      goneFromRegion = wasActive && !remote.containsKey(s.key);
      if (s.kind == ClientSession.Kind.MESH) {
        watchers.remove(s);
      }
    }
    for (NodePublicKey dst : s.sentTo()) {
      senders.computeIfPresent(dst, (k, set) -> {
        set.remove(s);
        return set.isEmpty() ? null : set;
      });
    }
    if (goneFromRegion) {
      notifySenders(s.key, why);
    }
  }

  /** A sibling watches this relay: it gets every current client, then every change. */
  void addWatcher(ClientSession watcher) {
    synchronized (lock) {
      watchers.add(watcher);
      for (NodePublicKey k : local.keySet()) {
        watcher.queue.offerPresence(k, RelayFraming.encode(new PeerPresent(k)));
      }
    }
  }

  /** Every open connection that proved {@code key} (normally one). */
  List<ClientSession> sessionsOf(NodePublicKey key) {
    List<ClientSession> out = new ArrayList<>(1);
    for (ClientSession s : open) {
      if (s.key.equals(key)) {
        out.add(s);
      }
    }
    return out;
  }

  private void announce(NodePublicKey key, RelayFrame frame) {
    if (watchers.isEmpty()) {
      return;
    }
    ByteString encoded = RelayFraming.encode(frame);
    for (ClientSession w : watchers) {
      w.queue.offerPresence(key, encoded);
    }
  }

  private void notifySenders(NodePublicKey key, PeerGoneReason why) {
    Set<ClientSession> set = senders.remove(key);
    if (set == null) {
      return;
    }
    ByteString gone = RelayFraming.encode(new PeerGone(key, why));
    for (ClientSession s : set) {
      s.queue.offerControl(gone);
    }
  }

  // ---- The data path. ----

  /** Routes a packet a node sent: to a local client, else through a sibling, else nowhere. */
  Route route(ClientSession source, NodePublicKey destination, byte[] packet) {
    ClientSession d = local.get(destination);
    if (d != null) {
      d.queue.offerPacket(RelayFraming.encode(new RecvPacket(source.key, packet)));
      noteSender(source, destination);
      return Route.LOCAL;
    }
    List<MeshLink> links = remote.get(destination);
    if (links != null) {
      links.get(links.size() - 1).forward(source.key, destination, packet);
      noteSender(source, destination);
      return Route.MESH;
    }
    metrics.drop(DropReason.UNKNOWN_DESTINATION, RelayProtocol.HEADER_LENGTH + RelayProtocol.KEY_LENGTH + packet.length);
    return Route.UNKNOWN;
  }

  /** Delivers a packet a sibling forwarded; it only ever goes to a local client (one hop per region). */
  void deliverForwarded(NodePublicKey source, NodePublicKey destination, byte[] packet) {
    ClientSession d = local.get(destination);
    if (d == null) {
      metrics.drop(DropReason.UNKNOWN_DESTINATION, RelayProtocol.HEADER_LENGTH + RelayProtocol.KEY_LENGTH + packet.length);
      return;
    }
    d.queue.offerPacket(RelayFraming.encode(new RecvPacket(source, packet)));
  }

  private void noteSender(ClientSession source, NodePublicKey destination) {
    if (source.noteSentTo(destination)) {
      senders.computeIfAbsent(destination, k -> ConcurrentHashMap.newKeySet()).add(source);
      if (source.queue.isClosed()) { // it left while we were adding it: do not keep it alive
        senders.computeIfPresent(destination, (k, set) -> {
          set.remove(source);
          return set.isEmpty() ? null : set;
        });
      }
    }
  }

  // ---- What mesh links report. ----

  @Override
  public void present(NodePublicKey key, MeshLink link) {
    synchronized (lock) {
      remote.compute(key, (k, links) -> {
        if (links == null) {
          return List.of(link);
        }
        if (links.contains(link)) {
          return links;
        }
        List<MeshLink> more = new ArrayList<>(links);
        more.add(link);
        return List.copyOf(more);
      });
    }
  }

  @Override
  public void gone(NodePublicKey key, MeshLink link) {
    boolean goneFromRegion;
    synchronized (lock) {
      remote.computeIfPresent(key, (k, links) -> {
        List<MeshLink> fewer = new ArrayList<>(links);
        fewer.remove(link);
        return fewer.isEmpty() ? null : List.copyOf(fewer);
      });
      goneFromRegion = !remote.containsKey(key) && !local.containsKey(key);
    }
    if (goneFromRegion) {
      notifySenders(key, PeerGoneReason.DISCONNECTED);
    }
  }

  @Override
  public void linkDown(MeshLink link) {
    for (var e : remote.entrySet()) {
      if (e.getValue().contains(link)) {
        gone(e.getKey(), link);
      }
    }
  }

  // ---- For metrics and tests. ----

  boolean isLocal(NodePublicKey key) {
    return local.containsKey(key);
  }

  boolean isRemote(NodePublicKey key) {
    return remote.containsKey(key);
  }

  long remoteCount() {
    return remote.size();
  }
}
