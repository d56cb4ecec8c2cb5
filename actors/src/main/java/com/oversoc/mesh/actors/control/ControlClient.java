package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * A node's or relay's long-running link to its coordinator. It dials the configured
 * coordinators in turn ({@link ControlDialer}: TCP and the secure channel, pinning the
 * coordinator key and proving the machine key), runs one {@link ControlClientSession} per
 * connection (enrolling with the pre-auth key when the coordinator says the machine is not
 * enrolled, then streaming the peer map or, for a relay, the active-keys feed), and reconnects
 * with exponential backoff and jitter whenever a connection ends, forever, unless the
 * coordinator revoked the machine or refused it for a reason retrying cannot fix
 * ({@link com.oversoc.mesh.protocol.control.RetryPolicy}); then it stops and says why in
 * {@link #stopped()}.
 *
 * <pre>
 * ControlClient c = ControlClient.start(system, "relay-eu-1", settings, new TcpControlDialer(...), listener);
 * c.stopped().thenAccept(s -> ...);   // revoked, refused, or closed
 * c.close();
 * </pre>
 *
 * <p>Thread-safe. The listener is called on the connection's stream thread, one message at a
 * time, after the session applied it; it must return quickly.
 */
public final class ControlClient implements AutoCloseable {

  /** Where the client stands. */
  public enum State {
    /** A connection attempt is in progress: TCP, the channel handshake, hello, enrollment. */
    CONNECTING,
    /** The coordinator sent the first full map (or key set) on this connection; deltas follow. */
    STREAMING,
    /** Waiting before the next attempt. */
    BACKING_OFF,
    /** Closed, revoked or refused: the client does nothing more. */
    STOPPED
  }

  /** Why the client stopped for good, and a one-line explanation for the operator. */
  public record Stopped(Reason reason, String detail) {
    public enum Reason {
      /** {@link #close()} was called. */
      CLOSED,
      /** The coordinator revoked this machine. */
      REVOKED,
      /** The coordinator refused the machine for a reason only an operator can fix. */
      REFUSED
    }
  }

  /** What the coordinator's connections deliver. */
  public interface Listener {
    /**
     * A message of the current connection and what the session made of it. {@code session} is
     * the connection's own; read it under {@code synchronized (session)}.
     */
    default void onMessage(ControlClientSession session, ServerMessage message, ControlClientSession.Reaction reaction) {}

    /** The state changed; {@code detail} is readable text for logs. */
    default void onStateChanged(State state, String detail) {}
  }

  /** State shared between the facade and its actor. */
  static final class Shared {
    volatile State state = State.CONNECTING;
    final CompletableFuture<Stopped> stopped = new CompletableFuture<>();
    /** Completes when nothing of the client runs any more, however it stopped. */
    final CompletableFuture<Done> closed = new CompletableFuture<>();
  }

  private final ActorRef<ControlClientActor.Command> actor;
  private final Shared shared;
  private final ControlClientSettings settings;
  private final AtomicBoolean closeRequested = new AtomicBoolean();

  private ControlClient(ActorRef<ControlClientActor.Command> actor, Shared shared, ControlClientSettings settings) {
    this.actor = actor;
    this.shared = shared;
    this.settings = settings;
  }

  /**
   * Starts connecting at once.
   *
   * @param name unique among this system's control clients; used for the actor and in logs
   */
  public static ControlClient start(ActorSystem<?> system, String name, ControlClientSettings settings,
      ControlDialer dialer, Listener listener) {
    Shared shared = new Shared();
    ActorRef<ControlClientActor.Command> ref = system.systemActorOf(
        ControlClientActor.create(name, settings, dialer, listener, shared),
        "control-client-" + name.replaceAll("[^A-Za-z0-9_-]", "_"), Props.empty());
    return new ControlClient(ref, shared, settings);
  }

  public State state() {
    return shared.state;
  }

  /** Completes once the client has stopped for good: closed, revoked, or refused. */
  public CompletionStage<Stopped> stopped() {
    return shared.stopped;
  }

  /**
   * A mesh node's endpoints and home relay: sent now if the map is streaming, and with the
   * MapRequest of every later connection.
   *
   * @throws IllegalStateException for a relay, which has no place in any map
   */
  public void updateEndpoints(List<IpEndpoint> endpoints, int homeRelay) {
    if (settings.mode() != ControlClientSession.Mode.MESH_NODE) {
      throw new IllegalStateException("a relay reports no endpoints to the coordinator");
    }
    actor.tell(new ControlClientActor.UpdateEndpoints(List.copyOf(endpoints), homeRelay));
  }

  /**
   * A mesh node rotates its node key now rather than when its schedule says (an operator who
   * suspects the key was copied, a test): on the current connection if the map is streaming,
   * else on the next one's check. Nothing happens if a rotation is already in flight.
   *
   * @throws IllegalStateException if the client has no rotation (a relay)
   */
  public void rotateNodeKeyNow() {
    if (settings.rotation().isEmpty()) {
      throw new IllegalStateException("this control client does not rotate a node key");
    }
    actor.tell(new ControlClientActor.Rotate());
  }

  /**
   * Stops reconnecting and closes the connection; completes when it is closed. Calling it again
   * returns the same completion.
   */
  public CompletionStage<Done> closeAsync() {
    if (closeRequested.compareAndSet(false, true)) {
      actor.tell(new ControlClientActor.Stop());
    }
    return shared.closed;
  }

  @Override
  public void close() {
    closeAsync().toCompletableFuture().join();
  }
}
