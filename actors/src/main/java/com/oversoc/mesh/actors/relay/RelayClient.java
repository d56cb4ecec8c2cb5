package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.ForwardPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrames;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * A node's connection to one relay: "the relay path" behind the node's datagram port. It
 * connects, proves the node key (in the secure channel the {@link RelayDialer} provides), sends
 * CLIENT_INFO, and from then on carries packets to and from other nodes by their key. When the
 * connection drops it reconnects with exponential backoff and jitter; when the relay announces a
 * restart it comes back at the announced time. A sibling relay uses the same client, with
 * MESH_HELLO, to join the relay mesh.
 *
 * <pre>
 * RelayClient c = RelayClient.start(system, "relay-eu-1", RelayClientSettings.node(true), dialer, listener);
 * c.send(peerKey, wireguardPacket);   // false when not connected: the caller's transport retransmits
 * ...
 * c.close();
 * </pre>
 *
 * <p>Thread-safe. {@link #send} never blocks: it queues the packet (dropping the oldest queued
 * packet when the queue is full) or refuses it when there is no admitted connection. The listener
 * is called on stream threads, one call at a time per connection; it must return quickly.
 */
public final class RelayClient implements AutoCloseable {

  /** Where the client stands. */
  public enum State {
    /** A connection attempt is in progress (TCP, channel handshake, or waiting for admission). */
    CONNECTING,
    /** The relay admitted this client; packets flow. */
    CONNECTED,
    /** Waiting before the next attempt. */
    BACKING_OFF,
    /** {@link #close()} was called; the client does nothing more. */
    CLOSED
  }

  /** What the relay path delivers to its node. */
  public interface Listener {
    /** A packet from {@code source}. The array belongs to the listener. */
    void onPacket(NodePublicKey source, byte[] packet);

    /** A peer this node sent to is gone (or was never here). */
    default void onPeerGone(NodePublicKey peer, PeerGoneReason reason) {}

    /** Mesh links only: a client is now connected to the sibling relay. */
    default void onPeerPresent(NodePublicKey peer) {}

    /** The relay reports a problem with this connection; empty text means resolved. */
    default void onHealth(String problem) {}

    /**
     * The state changed. {@code refusal} is the relay's reason when it closed the connection
     * (e.g. NOT_ENROLLED, REVOKED); {@code detail} is readable text for logs.
     *
     * <p>CONNECTING is reported before the attempt's connection exists and BACKING_OFF after
     * its last frame was delivered, so nothing a connection reports (a packet, a peer present)
     * falls outside those two calls.
     */
    default void onStateChanged(State state, Optional<CloseReason> refusal, String detail) {}
  }

  /** State shared between the facade and its actor. */
  static final class Shared {
    volatile State state = State.CONNECTING;
    /** The admitted connection's queue; null unless CONNECTED. */
    volatile SendQueue queue;
  }

  private final ActorRef<RelayClientActor.Command> actor;
  private final Shared shared;
  private final RelayClientSettings settings;
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final CompletableFuture<Done> closed = new CompletableFuture<>();

  private RelayClient(ActorRef<RelayClientActor.Command> actor, Shared shared, RelayClientSettings settings) {
    this.actor = actor;
    this.shared = shared;
    this.settings = settings;
  }

  /**
   * Starts connecting at once.
   *
   * @param name unique among this system's relay clients; used for the actor and in logs
   */
  public static RelayClient start(ActorSystem<?> system, String name, RelayClientSettings settings,
      RelayDialer dialer, Listener listener) {
    Shared shared = new Shared();
    ActorRef<RelayClientActor.Command> ref = system.systemActorOf(
        RelayClientActor.create(name, settings, dialer, listener, shared), "relay-client-" + name, Props.empty());
    return new RelayClient(ref, shared, settings);
  }

  /**
   * Queues a packet for {@code destination}.
   *
   * @param packet 1 to {@link com.oversoc.mesh.protocol.relay.RelayProtocol#MAX_PACKET} bytes;
   *     the client keeps the array, so the caller must not reuse it
   * @return false if it was dropped at once because no admitted connection exists
   */
  public boolean send(NodePublicKey destination, byte[] packet) {
    return offer(new SendPacket(destination, packet));
  }

  /** Mesh links only: forwards a packet from a client of this relay to a client of the sibling. */
  public boolean forward(NodePublicKey source, NodePublicKey destination, byte[] packet) {
    if (!settings.isMesh()) {
      throw new IllegalStateException("forward is for mesh links; a node uses send");
    }
    return offer(new ForwardPacket(source, destination, packet));
  }

  private boolean offer(RelayFrame frame) {
    SendQueue q = shared.queue;
    if (q == null) {
      settings.observer().dropped(DropReason.NOT_CONNECTED, RelayFrames.encodedLength(frame));
      return false;
    }
    return q.offerPacket(RelayFraming.encode(frame)) != SendQueue.Offer.CLOSED;
  }

  public State state() {
    return shared.state;
  }

  /**
   * Stops reconnecting and closes the connection; completes when it is closed. Calling it again
   * returns the same completion (a stopped actor could not answer a second request).
   */
  public CompletionStage<Done> closeAsync() {
    if (closeRequested.compareAndSet(false, true)) {
      actor.tell(new RelayClientActor.Stop(closed));
    }
    return closed;
  }

  @Override
  public void close() {
    closeAsync().toCompletableFuture().join();
  }
}
