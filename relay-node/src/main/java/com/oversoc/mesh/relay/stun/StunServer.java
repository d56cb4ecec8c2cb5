package com.oversoc.mesh.relay.stun;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunResponder;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import com.oversoc.mesh.relay.metrics.RelayMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.Udp;
import org.apache.pekko.io.UdpMessage;
import org.apache.pekko.util.ByteString;

/**
 * A STUN server on one UDP socket, through Pekko I/O's UDP manager: each datagram is answered by
 * {@link StunResponder} (or dropped), and counted by outcome.
 */
public final class StunServer {
  private static final AtomicLong SOCKET_IDS = new AtomicLong();

  private final ActorRef socketActor;
  private final InetSocketAddress localAddress;
  private final CompletableFuture<Done> stopped;

  private StunServer(ActorRef socketActor, InetSocketAddress localAddress, CompletableFuture<Done> stopped) {
    this.socketActor = socketActor;
    this.localAddress = localAddress;
    this.stopped = stopped;
  }

  /**
   * Binds {@code address}; fails (with an {@link IOException}) if the port is taken.
   *
   * @param software the SOFTWARE attribute of every answer, e.g. "ovsgw 0.1.0"
   */
  public static CompletionStage<StunServer> start(ActorSystem<?> system, InetSocketAddress address,
      RelayMetrics metrics, String software) {
    CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    CompletableFuture<Done> stopped = new CompletableFuture<>();
    // Pekko I/O speaks to classic actors; a typed system only lets them be system actors.
    ActorRef actor = ((ExtendedActorSystem) system.classicSystem()).systemActorOf(
        Props.create(Socket.class, () -> new Socket(address, software, metrics, bound, stopped)),
        "stun-" + SOCKET_IDS.incrementAndGet());
    return bound.thenApply(local -> new StunServer(actor, local, stopped));
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Releases the port. */
  public CompletionStage<Done> stop() {
    socketActor.tell(new Stop(), ActorRef.noSender());
    return stopped;
  }

  static TransportAddress transport(InetSocketAddress a) {
    return new TransportAddress(IpLiteral.of(a.getAddress()), a.getPort());
  }

  private record Stop() {}

  /** The actor that owns the socket. */
  static final class Socket extends AbstractActor {
    private final InetSocketAddress address;
    private final String software;
    private final RelayMetrics metrics;
    private final CompletableFuture<InetSocketAddress> bound;
    private final CompletableFuture<Done> stopped;
    private ActorRef socket;
    private StunResponder responder;

    Socket(InetSocketAddress address, String software, RelayMetrics metrics,
        CompletableFuture<InetSocketAddress> bound, CompletableFuture<Done> stopped) {
      this.address = address;
      this.software = software;
      this.metrics = metrics;
      this.bound = bound;
      this.stopped = stopped;
    }

    @Override
    public void preStart() {
      Udp.get(getContext().getSystem()).getManager().tell(UdpMessage.bind(getSelf(), address), getSelf());
    }

    @Override
    public void postStop() {
      bound.completeExceptionally(new IOException("STUN server on " + address + " stopped before it was bound"));
      stopped.complete(Done.getInstance());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Udp.Bound.class, b -> {
            socket = getSender();
            InetSocketAddress local = b.localAddress();
            // RFC 3489 clients are told the server's address only when it is a specific one.
            responder = new StunResponder(software,
                local.getAddress().isAnyLocalAddress() ? Optional.empty() : Optional.of(transport(local)));
            getContext().become(ready());
            bound.complete(local);
          })
          .match(Stop.class, s -> getContext().stop(getSelf()))
          .match(Udp.CommandFailed.class, f -> {
            bound.completeExceptionally(new IOException("cannot bind STUN to UDP " + address + ": " + f));
            getContext().stop(getSelf());
          })
          .build();
    }

    private Receive ready() {
      return receiveBuilder()
          .match(Udp.Received.class, r -> {
            byte[] datagram = r.data().toArray();
            StunResponder.Reply reply = responder.answer(datagram, datagram.length, transport(r.sender()));
            metrics.stun(reply.outcome());
            reply.reply().ifPresent(bytes ->
                socket.tell(UdpMessage.send(ByteString.fromArrayUnsafe(bytes), r.sender()), getSelf()));
          })
          .match(Stop.class, s -> socket.tell(UdpMessage.unbind(), getSelf()))
          .match(Udp.Unbound.class, u -> getContext().stop(getSelf()))
          .build();
    }
  }
}
