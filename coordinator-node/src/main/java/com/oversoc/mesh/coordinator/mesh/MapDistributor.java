package com.oversoc.mesh.coordinator.mesh;

import com.oversoc.mesh.coordinator.CoordinatorService;
import com.oversoc.mesh.coordinator.policy.Policy;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.protocol.control.ActiveKeySet;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One per replica: holds the {@link MeshState}, the control sessions connected to this replica,
 * and turns every {@link MeshChange} into targets for exactly the sessions it affects.
 *
 * <pre>
 *  MeshChange (topic) -> reload rows (blocking executor) -> NodesLoaded
 *     -> viewers before and after the change -> PeerTarget to each of their sessions
 *     -> SelfTarget or Revoke to the node's own sessions; KeysTarget to relay sessions
 * </pre>
 *
 * Sessions keep the map their client has and compute the delta themselves (PeerMapDiff), so
 * this actor does the policy work once per change and the per-connection work is spread over
 * the sessions. Time-driven changes (a key expiring, a rotation overlap ending) come from a
 * one-second tick; a periodic resync from the store repairs anything a lost event missed.
 */
public final class MapDistributor extends AbstractBehavior<MapDistributor.Command> {
  /** Granularity of time-driven changes (key expiry, end of a rotation overlap). */
  public static final Duration TICK_INTERVAL = Duration.ofSeconds(1);
  /** Full reload from the store, in case a change event was lost between replicas. */
  public static final Duration RESYNC_INTERVAL = Duration.ofSeconds(60);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MapDistributor.class);

  public sealed interface Command {}

  /** A session wants the peer map of {@code node} (its freshly read row). */
  public record SubscribeMap(NodeRecord node, ActorRef<SessionUpdate> session) implements Command {}

  /** A session of relay {@code nodeId} wants the active-keys set. */
  public record SubscribeKeys(long nodeId, ActorRef<SessionUpdate> session) implements Command {}

  public record Unsubscribe(ActorRef<SessionUpdate> session) implements Command {}

  /** A committed change, from the topic. */
  public record Changed(MeshChange change) implements Command {}

  private record NodesLoaded(long[] ids, List<Optional<NodeRecord>> rows) implements Command {}

  private record PolicyLoaded(Policy policy) implements Command {}

  private record Resynced(List<NodeRecord> all, Policy policy) implements Command {}

  private record LoadFailed(String what, Throwable cause) implements Command {}

  /** Ends every session of this replica (without revoking anything) and stops. */
  public enum Stop implements Command { INSTANCE }

  private enum Tick implements Command { INSTANCE }

  private enum ResyncTick implements Command { INSTANCE }

  private enum TouchTick implements Command { INSTANCE }

  /** What a session is told. */
  public sealed interface SessionUpdate {}

  /** The whole map the session's node should have. */
  public record FullTarget(SelfNode self, Map<Long, Peer> peers, RelayMap relayMap, long policyVersion)
      implements SessionUpdate {}

  /** One peer's entry as the session's node should have it; empty means not in its map. */
  public record PeerTarget(long peerId, Optional<Peer> entry) implements SessionUpdate {}

  /** The session's own node changed (rotated key, expiry). */
  public record SelfTarget(SelfNode self) implements SessionUpdate {}

  /** The session's node was revoked or removed: tell it and close. */
  public record Revoke(String reason) implements SessionUpdate {}

  /** This replica is stopping: close without telling the node anything is wrong with it. */
  public enum ShuttingDown implements SessionUpdate { INSTANCE }

  /**
   * The active-keys set relays should have, and which of the keys now leaving it leave because
   * their node was revoked (the relay drops those clients as revoked, not merely unknown).
   */
  public record KeysTarget(Map<NodePublicKey, ActiveKeySet.Entry> keys, Set<NodePublicKey> revoked)
      implements SessionUpdate {}

  private final CoordinatorService service;
  private final MeshState state;
  private final Executor blocking;
  private final Map<ActorRef<SessionUpdate>, Long> mapSessions = new HashMap<>();
  private final Map<Long, Set<ActorRef<SessionUpdate>>> sessionsByNode = new HashMap<>();
  /** Relay sessions and the relay each serves, so that revoking a relay reaches its sessions too. */
  private final Map<ActorRef<SessionUpdate>, Long> keySessions = new HashMap<>();
  private Instant lastTick;
  /** Keys of nodes revoked since the relays were last told; they leave the set as revocations. */
  private final Set<NodePublicKey> revokedSinceLastPublish = new HashSet<>();

  /** Subscribes to {@code changes} (the cluster topic) and serves sessions from {@code initial}. */
  public static Behavior<Command> create(CoordinatorService service, MeshState initial,
      ActorRef<Topic.Command<MeshChange>> changes) {
    return Behaviors.setup(ctx -> {
      changes.tell(Topic.subscribe(ctx.messageAdapter(MeshChange.class, Changed::new)));
      return Behaviors.withTimers(timers -> new MapDistributor(ctx, timers, service, initial));
    });
  }

  private MapDistributor(ActorContext<Command> ctx, TimerScheduler<Command> timers, CoordinatorService service,
      MeshState initial) {
    super(ctx);
    this.service = service;
    this.state = initial;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.lastTick = now();
    timers.startTimerWithFixedDelay("tick", Tick.INSTANCE, TICK_INTERVAL);
    timers.startTimerWithFixedDelay("resync", ResyncTick.INSTANCE, RESYNC_INTERVAL);
    timers.startTimerWithFixedDelay("touch", TouchTick.INSTANCE, service.settings().touchInterval());
  }

  private Instant now() {
    return service.clock().instant();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SubscribeMap.class, this::onSubscribeMap)
        .onMessage(SubscribeKeys.class, this::onSubscribeKeys)
        .onMessage(Unsubscribe.class, this::onUnsubscribe)
        .onMessage(Changed.class, this::onChanged)
        .onMessage(NodesLoaded.class, this::onNodesLoaded)
        .onMessage(PolicyLoaded.class, this::onPolicyLoaded)
        .onMessage(Resynced.class, this::onResynced)
        .onMessage(LoadFailed.class, this::onLoadFailed)
        .onMessageEquals(Stop.INSTANCE, () -> {
          mapSessions.keySet().forEach(s -> s.tell(ShuttingDown.INSTANCE));
          keySessions.keySet().forEach(s -> s.tell(ShuttingDown.INSTANCE));
          return Behaviors.stopped();
        })
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(ResyncTick.INSTANCE, this::onResyncTick)
        .onMessageEquals(TouchTick.INSTANCE, this::onTouchTick)
        .build();
  }

  private Behavior<Command> onSubscribeMap(SubscribeMap m) {
    // The session's row may be newer than ours (it just enrolled or reported endpoints): apply it
    // as a change, so viewers hear of it even if the event arrives after this.
    if (apply(m.node().nodeId(), Optional.of(m.node()))) {
      publishKeys();
    }
    Optional<NodeRecord> node = state.node(m.node().nodeId());
    if (node.isEmpty()) {
      m.session().tell(new Revoke(m.node().revokedReason().orElse("node removed")));
      return this;
    }
    mapSessions.put(m.session(), node.get().nodeId());
    sessionsByNode.computeIfAbsent(node.get().nodeId(), id -> new LinkedHashSet<>()).add(m.session());
    m.session().tell(fullTarget(node.get()));
    return this;
  }

  private FullTarget fullTarget(NodeRecord n) {
    return new FullTarget(Wire.self(n, state.ula()), state.peersFor(n, now()), state.relayMap(),
        state.policy().version());
  }

  private Behavior<Command> onSubscribeKeys(SubscribeKeys m) {
    keySessions.put(m.session(), m.nodeId());
    m.session().tell(new KeysTarget(state.activeKeys(now()), Set.of()));
    return this;
  }

  private Behavior<Command> onUnsubscribe(Unsubscribe m) {
    keySessions.remove(m.session());
    Long nodeId = mapSessions.remove(m.session());
    if (nodeId != null) {
      Set<ActorRef<SessionUpdate>> s = sessionsByNode.get(nodeId);
      if (s != null) {
        s.remove(m.session());
        if (s.isEmpty()) {
          sessionsByNode.remove(nodeId);
        }
      }
    }
    return this;
  }

  private Behavior<Command> onChanged(Changed c) {
    switch (c.change()) {
      case MeshChange.NodesChanged n -> load(n.nodeIds());
      case MeshChange.PolicyChanged p -> getContext().pipeToSelf(
          CompletableFuture.supplyAsync(service::parsedPolicy, blocking),
          (policy, error) -> error == null ? new PolicyLoaded(policy) : new LoadFailed("policy", error));
    }
    return this;
  }

  private void load(long[] ids) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      List<Optional<NodeRecord>> rows = new ArrayList<>(ids.length);
      for (long id : ids) {
        rows.add(service.store().node(id));
      }
      return rows;
    }, blocking), (rows, error) -> error == null ? new NodesLoaded(ids, rows) : new LoadFailed("nodes", error));
  }

  private Behavior<Command> onNodesLoaded(NodesLoaded m) {
    boolean keysChanged = false;
    for (int i = 0; i < m.ids().length; i++) {
      keysChanged |= apply(m.ids()[i], m.rows().get(i));
    }
    if (keysChanged) {
      publishKeys();
    }
    return this;
  }

  /** Applies one reloaded row; returns true if it changed anything. */
  private boolean apply(long id, Optional<NodeRecord> row) {
    Optional<NodeRecord> before = state.node(id);
    if (row.isPresent() && before.isPresent() && before.get().rowVersion() >= row.get().rowVersion()) {
      return false; // an older or repeated reload
    }
    if (before.isPresent() && row.map(NodeRecord::isRevoked).orElse(false)) {
      revokedSinceLastPublish.add(before.get().nodeKey());
      before.get().previousNodeKey().ifPresent(revokedSinceLastPublish::add);
    }
    // A node revoked or deleted is told so, and a relay stops getting keys, whether or not the
    // distributor held the node: its reload may have lost the race with this one (telling twice
    // is harmless, the session closes on the first).
    if (row.isEmpty() || row.get().isRevoked()) {
      String reason = row.flatMap(NodeRecord::revokedReason).orElse("removed from the mesh");
      for (ActorRef<SessionUpdate> s : List.copyOf(sessionsByNode.getOrDefault(id, Set.of()))) {
        s.tell(new Revoke(reason));
      }
      keySessions.forEach((s, relay) -> {
        if (relay == id) {
          s.tell(new Revoke(reason));
        }
      });
    }
    Set<Long> viewersBefore = before.map(b -> state.viewersOf(b).keySet()).orElse(Set.of());
    boolean changed = row.isPresent() ? state.put(row.get()) : state.remove(id);
    if (!changed) {
      return false;
    }
    Optional<NodeRecord> after = state.node(id);
    Map<Long, PeerAccess> viewersAfter = after.map(state::viewersOf).orElse(Map.of());
    notifyViewers(id, after, viewersAfter);
    for (long v : viewersBefore) {
      if (!viewersAfter.containsKey(v)) {
        tell(v, new PeerTarget(id, Optional.empty())); // no longer allowed, or gone
      }
    }
    if (after.isPresent()) {
      SelfNode self = Wire.self(after.get(), state.ula());
      sessionsByNode.getOrDefault(id, Set.of()).forEach(s -> s.tell(new SelfTarget(self)));
    }
    return true;
  }

  /** Tells the sessions of each viewer the entry it should now have for node {@code id}. */
  private void notifyViewers(long id, Optional<NodeRecord> node, Map<Long, PeerAccess> viewers) {
    Instant now = now();
    for (Map.Entry<Long, PeerAccess> v : viewers.entrySet()) {
      if (sessionsByNode.containsKey(v.getKey())) {
        tell(v.getKey(), new PeerTarget(id, node.flatMap(n -> state.entry(n, v.getValue(), now))));
      }
    }
  }

  private void tell(long nodeId, SessionUpdate update) {
    Set<ActorRef<SessionUpdate>> sessions = sessionsByNode.get(nodeId);
    if (sessions != null) {
      sessions.forEach(s -> s.tell(update));
    }
  }

  private void publishKeys() {
    if (!keySessions.isEmpty()) {
      KeysTarget t = new KeysTarget(state.activeKeys(now()), Set.copyOf(revokedSinceLastPublish));
      keySessions.keySet().forEach(s -> s.tell(t));
    }
    revokedSinceLastPublish.clear();
  }

  private Behavior<Command> onPolicyLoaded(PolicyLoaded m) {
    if (m.policy().version() < state.policy().version()) {
      return this;
    }
    state.setPolicy(m.policy());
    for (Map.Entry<Long, Set<ActorRef<SessionUpdate>>> e : sessionsByNode.entrySet()) {
      state.node(e.getKey()).ifPresent(n -> {
        FullTarget t = fullTarget(n);
        e.getValue().forEach(s -> s.tell(t));
      });
    }
    return this;
  }

  private Behavior<Command> onTick() {
    Instant now = now();
    List<NodeRecord> crossed = new ArrayList<>();
    for (NodeRecord n : state.nodes()) {
      if (MeshState.timeBoundaryCrossed(n, lastTick, now)) {
        crossed.add(n);
      }
    }
    lastTick = now;
    for (NodeRecord n : crossed) {
      notifyViewers(n.nodeId(), Optional.of(n), state.viewersOf(n));
      SelfNode self = Wire.self(n, state.ula());
      sessionsByNode.getOrDefault(n.nodeId(), Set.of()).forEach(s -> s.tell(new SelfTarget(self)));
    }
    if (!crossed.isEmpty()) {
      publishKeys();
    }
    return this;
  }

  private Behavior<Command> onResyncTick() {
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(() -> new Resynced(service.store().nodes(), service.parsedPolicy()), blocking),
        (r, error) -> error == null ? r : new LoadFailed("resync", error));
    return this;
  }

  private Behavior<Command> onResynced(Resynced r) {
    if (r.policy().version() > state.policy().version()) {
      onPolicyLoaded(new PolicyLoaded(r.policy()));
    }
    Set<Long> stored = new HashSet<>();
    boolean keysChanged = false;
    for (NodeRecord n : r.all()) {
      stored.add(n.nodeId());
      keysChanged |= apply(n.nodeId(), Optional.of(n));
    }
    List<Long> gone = new ArrayList<>();
    state.nodes().forEach(n -> {
      if (!stored.contains(n.nodeId())) {
        gone.add(n.nodeId());
      }
    });
    for (long id : gone) {
      keysChanged |= apply(id, Optional.empty());
    }
    if (keysChanged) {
      publishKeys();
    }
    return this;
  }

  private Behavior<Command> onTouchTick() {
    Set<Long> online = new HashSet<>(sessionsByNode.keySet());
    online.addAll(keySessions.values());
    List<Long> connected = List.copyOf(online);
    CompletableFuture.runAsync(() -> {
      service.store().touch(connected, now());
      service.removeOfflineEphemeral();
    }, blocking).exceptionally(e -> {
      LOG.warn("coordinator: last-seen update or ephemeral cleanup failed: {}", e.toString());
      return null;
    });
    return this;
  }

  private Behavior<Command> onLoadFailed(LoadFailed f) {
    getContext().getLog().warn("coordinator: reloading {} from the store failed ({}); the next resync retries",
        f.what(), f.cause().toString());
    return this;
  }
}
