package com.oversoc.mesh.coordinator;

import com.oversoc.mesh.coordinator.mesh.MapDistributor;
import com.oversoc.mesh.coordinator.mesh.MeshChange;
import com.oversoc.mesh.coordinator.mesh.MeshState;
import com.oversoc.mesh.coordinator.server.ControlConnection;
import com.oversoc.mesh.coordinator.store.CoordinatorStore;
import com.oversoc.mesh.coordinator.store.Database;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import java.security.SecureRandom;
import java.time.InstantSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One coordinator replica inside an actor system: the store, the change topic (local, or
 * cluster-wide when the system is a cluster member), the map distributor and the factory of
 * per-connection flows. Listeners (control channel, admin HTTP) are bound by the caller.
 */
public final class Coordinator implements AutoCloseable {
  /** Name of the pub-sub topic that carries {@link MeshChange} events between replicas. */
  public static final String CHANGE_TOPIC = "ovsgw-coordinator-changes";

  private static final java.util.concurrent.atomic.AtomicLong INSTANCES = new java.util.concurrent.atomic.AtomicLong();

  private final Database database;
  private final CoordinatorService service;
  private final ActorRef<MapDistributor.Command> distributor;
  private final ControlConnection connections;

  private final ActorRef<Topic.Command<MeshChange>> topic;

  private Coordinator(Database database, CoordinatorService service,
      ActorRef<MapDistributor.Command> distributor, ControlConnection connections,
      ActorRef<Topic.Command<MeshChange>> topic) {
    this.topic = topic;
    this.database = database;
    this.service = service;
    this.distributor = distributor;
    this.connections = connections;
  }

  /**
   * Opens the store (migrating it), loads the mesh and starts distributing. The database is
   * owned by the returned coordinator and closed with it.
   */
  public static Coordinator start(ActorSystem<?> system, CoordinatorSettings settings, CoordinatorPrivateKey key,
      InstantSource clock, SecureRandom random) {
    Database db = Database.open(settings.database());
    try {
      ActorRef<Topic.Command<MeshChange>> topic = system.systemActorOf(
          Topic.create(MeshChange.class, CHANGE_TOPIC), "coordinator-change-topic-" + INSTANCES.incrementAndGet(), Props.empty());
      CoordinatorStore store = new CoordinatorStore(db);
      CoordinatorService service = new CoordinatorService(store, settings, key, clock, random,
          change -> topic.tell(Topic.publish(change)));
      MeshState state = new MeshState(service.ula(), settings.relayMap(), service.parsedPolicy());
      store.nodes().forEach(state::put);
      ActorRef<MapDistributor.Command> distributor = system.systemActorOf(
          MapDistributor.create(service, state, topic), "coordinator-map-distributor-" + INSTANCES.get(), Props.empty());
      return new Coordinator(db, service, distributor, new ControlConnection(system, service, distributor, random),
          topic);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  public CoordinatorService service() {
    return service;
  }

  public ControlConnection connections() {
    return connections;
  }

  /** The change topic (its stats tell how many replicas it reaches). */
  public ActorRef<Topic.Command<MeshChange>> topic() {
    return topic;
  }

  /** Ends this replica's sessions (their nodes reconnect elsewhere), stops distributing, closes the store. */
  @Override
  public void close() {
    distributor.tell(MapDistributor.Stop.INSTANCE);
    database.close();
  }
}
