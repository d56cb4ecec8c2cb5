package com.oversoc.mesh.coordinator.server;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.coordinator.CoordinatorService;
import com.oversoc.mesh.coordinator.mesh.MapDistributor;
import com.oversoc.mesh.coordinator.mesh.MapDistributor.SessionUpdate;
import com.oversoc.mesh.coordinator.mesh.Wire;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.protocol.control.ActiveKeySet;
import com.oversoc.mesh.protocol.control.ClockSkew;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.PeerMapDiff;
import com.oversoc.mesh.protocol.control.PeerMapReducer;
import com.oversoc.mesh.protocol.control.pb.ClientHello;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.EndpointUpdate;
import com.oversoc.mesh.protocol.control.pb.Keepalive;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.RegisterResponse;
import com.oversoc.mesh.protocol.control.pb.Revoked;
import com.oversoc.mesh.protocol.control.pb.RotateNodeKeyResponse;
import com.oversoc.mesh.protocol.control.pb.ServerHello;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * The coordinator's side of one control connection, after the channel has authenticated the
 * client's machine key. Inbound frames arrive one at a time with backpressure (the next is
 * requested only when this one is handled, also across store calls), so a client can never
 * make the coordinator queue its requests.
 *
 * <pre>
 *  awaitingHello --hello ok--> (enrolled) --MapRequest--> streaming map deltas
 *        |                        ^      --ActiveKeysRequest (relays)--> streaming key deltas
 *        +--(not enrolled)--> awaitingRegister
 * </pre>
 *
 * It keeps the map its client has (the same {@link PeerMapReducer} the client runs) and sends
 * only deltas from it. Every error that ends the connection is sent first as a fatal
 * ControlError; then the outbound stream completes, which closes the connection.
 */
public final class ControlSession {
  /** Failed registrations tolerated on one connection before it is closed. */
  public static final int MAX_REGISTER_ATTEMPTS = 3;
  /**
   * At most one endpoint report per node per this interval reaches the store and the node's
   * peers; reports in between are coalesced (the latest wins), so a node cannot turn its own
   * chatter into writes and fan-out to thousands of peers.
   */
  public static final Duration MIN_ENDPOINT_REPORT_INTERVAL = Duration.ofSeconds(1);

  interface Command {}

  /** Inbound frame; completing {@code ack} lets the connection read the next one. */
  record Inbound(CompletableFuture<Void> ack, ClientMessage message) implements Command {}

  enum InboundClosed implements Command { INSTANCE }

  record InboundFailed(Throwable cause) implements Command {}

  private record Updated(SessionUpdate update) implements Command {}

  private record Done(CompletableFuture<Void> ack, Runnable then) implements Command {}

  private record Failed(CompletableFuture<Void> ack, ControlException error, boolean fatal) implements Command {}

  private enum KeepaliveTick implements Command { INSTANCE }

  private enum DeadTimeout implements Command { INSTANCE }

  private enum EndpointsTick implements Command { INSTANCE }

  private final ActorContext<Command> ctx;
  private final CoordinatorService service;
  private final ActorRef<MapDistributor.Command> distributor;
  private final BoundedSourceQueue<ServerMessage> out;
  private final MachinePublicKey machine;
  private final Executor blocking;
  private final TimerScheduler<Command> timers;
  private final byte[] nonce = new byte[ControlProtocol.SESSION_NONCE_BYTES];
  private final ActorRef<SessionUpdate> updates;
  /** Set when the session ends, so the connection stops handing it frames. */
  private final AtomicBoolean closed;
  /** Connections of this coordinator not (yet) known to be enrolled; this one is counted until it is. */
  private final AtomicInteger unenrolled;
  private boolean counted;
  /** The ack of the frame being handled; released at stop so the inbound side never hangs. */
  private CompletableFuture<Void> pendingAck;

  private String nodeName = "";
  private NodeRecord node;
  private int registerAttempts;
  private PeerMap map;
  private ActiveKeySet keys;
  private boolean subscribed;
  /** A fatal error was queued; the session stops once the current step is done. */
  private boolean closing;
  /** Set once the outbound queue is completed or failed; nothing is offered after that. */
  private boolean outClosed;
  /** An endpoint report was written less than MIN_ENDPOINT_REPORT_INTERVAL ago. */
  private boolean endpointsThrottled;
  /** The latest report received while throttled, written when the interval ends. */
  private EndpointUpdate pendingEndpoints;

  static Behavior<Command> create(CoordinatorService service, ActorRef<MapDistributor.Command> distributor,
      BoundedSourceQueue<ServerMessage> out, MachinePublicKey machine, SecureRandom random, AtomicBoolean closed,
      AtomicInteger unenrolled) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ControlSession s = new ControlSession(ctx, timers, service, distributor, out, machine, closed, unenrolled);
      random.nextBytes(s.nonce);
      return s.awaitingHello();
    }));
  }

  private ControlSession(ActorContext<Command> ctx, TimerScheduler<Command> timers, CoordinatorService service,
      ActorRef<MapDistributor.Command> distributor, BoundedSourceQueue<ServerMessage> out, MachinePublicKey machine,
      AtomicBoolean closed, AtomicInteger unenrolled) {
    this.ctx = ctx;
    this.closed = closed;
    this.unenrolled = unenrolled;
    unenrolled.incrementAndGet();
    counted = true;
    this.timers = timers;
    this.service = service;
    this.distributor = distributor;
    this.out = out;
    this.machine = machine;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.updates = ctx.messageAdapter(SessionUpdate.class, Updated::new);
    // Until the hello arrives, the dead-stream timer is the hello timeout; keepalives start once
    // the ServerHello is out, so that it is always the coordinator's first frame.
    timers.startSingleTimer("dead", DeadTimeout.INSTANCE, service.settings().helloTimeout());
  }

  private Instant now() {
    return service.clock().instant();
  }

  // ---- states ----

  private Behavior<Command> awaitingHello() {
    return common(Behaviors.receive(Command.class)
        .onMessage(Inbound.class, m -> {
          alive(m.ack());
          if (m.message().getBodyCase() != ClientMessage.BodyCase.HELLO) {
            return fatal(ControlError.Code.UNEXPECTED_MESSAGE, "the first message must be ClientHello, got "
                + m.message().getBodyCase());
          }
          return onHello(m.ack(), m.message().getHello());
        }));
  }

  private Behavior<Command> onHello(CompletableFuture<Void> ack, ClientHello hello) {
    if (unenrolled.get() > service.settings().maxUnenrolledConnections()) {
      // Checked before the store is asked anything: a flood costs a counter, not a query.
      return fatal(ControlError.Code.OVERLOADED, "too many connections from machines that are not enrolled; "
          + "retry later");
    }
    int v = hello.getCapabilityVersion();
    if (v < ControlProtocol.MIN_SUPPORTED_CAPABILITY_VERSION) {
      return fatal(ControlError.Code.UNSUPPORTED_VERSION, "client capability " + v + " is older than the oldest "
          + "supported, " + ControlProtocol.MIN_SUPPORTED_CAPABILITY_VERSION + "; upgrade the node");
    }
    try {
      ClockSkew.check(Instant.ofEpochMilli(hello.getClientTimeUnixMs()), now(), service.settings().maxClockSkew());
    } catch (ControlException e) {
      return fatal(e);
    }
    nodeName = hello.getNodeName();
    callService(ack, () -> service.nodeByMachineKey(machine), existing -> {
      ServerHello.Builder h = ServerHello.newBuilder()
          .setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION)
          .setServerTimeUnixMs(now().toEpochMilli())
          .setSessionNonce(ByteString.copyFrom(nonce));
      if (existing.isPresent() && existing.get().isRevoked()) {
        sendFatal(new ControlException(ControlError.Code.NODE_REVOKED, "this machine was revoked: "
            + existing.get().revokedReason().orElse("")));
        return;
      }
      existing.ifPresent(n -> {
        node = n;
        uncount();
        h.setEnrolled(true).setRegistration(Wire.registration(n, service.ula()));
      });
      send(ServerMessage.newBuilder().setHello(h).build());
      timers.startTimerWithFixedDelay("keepalive", KeepaliveTick.INSTANCE, service.settings().keepaliveInterval());
    });
    return awaitingHelloReply();
  }

  /** Between the hello and the store's answer nothing else is read (the ack is withheld). */
  private Behavior<Command> awaitingHelloReply() {
    return common(Behaviors.receive(Command.class)
        .onMessage(Done.class, d -> {
          d.then().run();
          if (closing) {
            return Behaviors.stopped();
          }
          d.ack().complete(null);
          return node == null ? awaitingRegister() : enrolled();
        }));
  }

  private Behavior<Command> awaitingRegister() {
    return common(Behaviors.receive(Command.class)
        .onMessage(Inbound.class, m -> {
          alive(m.ack());
          if (m.message().getBodyCase() != ClientMessage.BodyCase.REGISTER) {
            return fatal(ControlError.Code.NOT_ENROLLED, "this machine is not enrolled; send RegisterRequest first");
          }
          registerAttempts++;
          callService(m.ack(), () -> service.register(machine, nodeName, m.message().getRegister(), nonce), n -> {
            node = n;
            uncount();
            send(ServerMessage.newBuilder().setRegister(RegisterResponse.newBuilder()
                .setRegistration(Wire.registration(n, service.ula()))).build());
          });
          return registering();
        }));
  }

  private Behavior<Command> registering() {
    return common(Behaviors.receive(Command.class)
        .onMessage(Done.class, d -> {
          d.then().run();
          d.ack().complete(null);
          return enrolled();
        })
        .onMessage(Failed.class, f -> {
          boolean fatal = f.fatal() || registerAttempts >= MAX_REGISTER_ATTEMPTS;
          if (fatal) {
            return fatal(f.error());
          }
          send(ServerMessage.newBuilder().setError(f.error().toWire(false, now())).build());
          f.ack().complete(null);
          return awaitingRegister();
        }));
  }

  /** Enrolled: waiting for MapRequest / ActiveKeysRequest, then streaming. */
  private Behavior<Command> enrolled() {
    return common(Behaviors.receive(Command.class)
        .onMessage(Inbound.class, m -> {
          alive(m.ack());
          return onEnrolledMessage(m.ack(), m.message());
        })
        .onMessage(Updated.class, u -> onUpdate(u.update()))
        .onMessageEquals(EndpointsTick.INSTANCE, () -> {
          endpointsThrottled = false;
          if (pendingEndpoints != null) {
            EndpointUpdate latest = pendingEndpoints;
            pendingEndpoints = null;
            reportEndpoints(new CompletableFuture<>(), latest);
          }
          return Behaviors.same();
        })
        .onMessage(Done.class, d -> {
          d.then().run();
          d.ack().complete(null);
          return Behaviors.same();
        })
        .onMessage(Failed.class, f -> {
          if (f.fatal()) {
            return fatal(f.error());
          }
          send(ServerMessage.newBuilder().setError(f.error().toWire(false, now())).build());
          f.ack().complete(null);
          return Behaviors.same();
        }));
  }

  private Behavior<Command> onEnrolledMessage(CompletableFuture<Void> ack, ClientMessage m) {
    boolean relay = node.role() == NodeRole.NODE_ROLE_RELAY;
    switch (m.getBodyCase()) {
      case MAP_REQUEST -> {
        if (relay || subscribed) {
          return fatal(relay ? ControlError.Code.FORBIDDEN : ControlError.Code.UNEXPECTED_MESSAGE,
              relay ? "a relay has no peer map; send ActiveKeysRequest" : "the map stream is already running");
        }
        var req = m.getMapRequest();
        callService(ack, () -> {
          if (req.getEndpointsCount() > 0 || req.getHomeRelay() != 0) {
            service.reportEndpoints(node.nodeId(), req.getEndpointsList(), req.getHomeRelay());
          }
          return service.store().node(node.nodeId()).orElse(node);
        }, fresh -> {
          node = fresh;
          subscribed = true;
          distributor.tell(new MapDistributor.SubscribeMap(fresh, updates));
        });
        return Behaviors.same();
      }
      case ACTIVE_KEYS_REQUEST -> {
        if (!relay || subscribed) {
          return fatal(relay ? ControlError.Code.UNEXPECTED_MESSAGE : ControlError.Code.FORBIDDEN,
              relay ? "the active-keys stream is already running" : "only relays may read the active-keys set");
        }
        subscribed = true;
        distributor.tell(new MapDistributor.SubscribeKeys(node.nodeId(), updates));
        ack.complete(null);
        return Behaviors.same();
      }
      case ENDPOINT_UPDATE -> {
        if (!subscribed || relay) {
          return fatal(ControlError.Code.UNEXPECTED_MESSAGE, "EndpointUpdate before MapRequest");
        }
        if (endpointsThrottled) {
          pendingEndpoints = m.getEndpointUpdate();
          ack.complete(null);
        } else {
          reportEndpoints(ack, m.getEndpointUpdate());
        }
        return Behaviors.same();
      }
      case ROTATE_NODE_KEY -> {
        if (!subscribed || relay) {
          return fatal(ControlError.Code.UNEXPECTED_MESSAGE, "RotateNodeKeyRequest before MapRequest");
        }
        callService(ack, () -> service.rotateNodeKey(node, machine, m.getRotateNodeKey(), nonce), n -> {
          node = n;
          send(ServerMessage.newBuilder().setRotateNodeKey(RotateNodeKeyResponse.newBuilder()
              .setNodeKey(ByteString.copyFrom(n.nodeKey().bytes()))
              .setNodeKeyExpiresUnixMs(n.nodeKeyExpiresAt().toEpochMilli())
              .setPreviousKeyValidUntilUnixMs(n.previousKeyValidUntil().orElseThrow().toEpochMilli())).build());
        });
        return Behaviors.same();
      }
      case KEEPALIVE -> {
        ack.complete(null);
        return Behaviors.same();
      }
      default -> {
        return fatal(ControlError.Code.UNEXPECTED_MESSAGE, m.getBodyCase() + " after enrollment");
      }
    }
  }

  private void reportEndpoints(CompletableFuture<Void> ack, EndpointUpdate u) {
    endpointsThrottled = true;
    timers.startSingleTimer("endpoints", EndpointsTick.INSTANCE, MIN_ENDPOINT_REPORT_INTERVAL);
    callService(ack, () -> {
      service.reportEndpoints(node.nodeId(), u.getEndpointsList(), u.getHomeRelay());
      return null;
    }, ignored -> { });
  }

  private Behavior<Command> onUpdate(SessionUpdate u) {
    switch (u) {
      case MapDistributor.ShuttingDown s -> {
        return close();
      }
      case MapDistributor.Revoke r -> {
        send(ServerMessage.newBuilder().setRevoked(Revoked.newBuilder().setReason(r.reason())).build());
        return close();
      }
      case MapDistributor.FullTarget t -> {
        if (map == null) {
          map = new PeerMap(1, t.self(), t.peers(), t.relayMap(), t.policyVersion());
          send(ServerMessage.newBuilder().setMap(PeerMapDiff.full(map)).build());
        } else {
          sendDelta(new PeerMap(map.seq(), t.self(), t.peers(), t.relayMap(), t.policyVersion()));
        }
      }
      case MapDistributor.PeerTarget t -> {
        if (map != null) {
          send(PeerMapDiff.peerDelta(map, t.peerId(), t.entry()));
        }
      }
      case MapDistributor.SelfTarget t -> {
        if (map != null) {
          sendDelta(new PeerMap(map.seq(), t.self(), map.peers(), map.relayMap(), map.policyVersion()));
        }
      }
      case MapDistributor.KeysTarget t -> {
        if (keys == null) {
          keys = new ActiveKeySet(1, t.keys());
          send(ServerMessage.newBuilder().setActiveKeys(keys.toFull()).build());
        } else {
          keys.deltaTo(t.keys(), t.revoked()).ifPresent(d -> {
            try {
              keys = ActiveKeySet.apply(keys, d).set();
            } catch (ControlException e) {
              throw new IllegalStateException("the coordinator built an active-keys delta it cannot apply", e);
            }
            send(ServerMessage.newBuilder().setActiveKeys(d).build());
          });
        }
      }
    }
    return Behaviors.same();
  }

  /** Sends the delta from the client's map to {@code target} and keeps the result as the client's map. */
  private void sendDelta(PeerMap target) {
    send(PeerMapDiff.delta(map, target));
  }

  /** Applies a delta to the client's map (the same reducer the client runs) and sends it. */
  private void send(Optional<MapResponse> delta) {
    if (delta.isEmpty()) {
      return;
    }
    try {
      map = PeerMapReducer.apply(map, delta.get()).map();
    } catch (ControlException e) {
      throw new IllegalStateException("the coordinator built a map delta it cannot apply", e);
    }
    send(ServerMessage.newBuilder().setMap(delta.get()).build());
  }

  // ---- plumbing ----

  private Behavior<Command> common(org.apache.pekko.actor.typed.javadsl.BehaviorBuilder<Command> b) {
    return b
        .onMessage(InboundFailed.class, f -> fatal(FrameErrors.toControlException(f.cause())))
        .onMessageEquals(InboundClosed.INSTANCE, this::close)
        .onMessageEquals(KeepaliveTick.INSTANCE, () -> {
          send(ServerMessage.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build());
          return Behaviors.same();
        })
        .onMessageEquals(DeadTimeout.INSTANCE, () -> fatal(ControlError.Code.TIMEOUT,
            "nothing received for " + (node == null ? service.settings().helloTimeout()
                : service.settings().deadStreamTimeout()) + "; closing"))
        .onMessage(Updated.class, u -> Behaviors.same()) // only the enrolled state acts on updates
        .onMessage(Failed.class, f -> fatal(f.error()))
        .onSignal(PostStop.class, s -> {
          closed.set(true);
          uncount();
          if (pendingAck != null) {
            pendingAck.complete(null);
          }
          if (subscribed) {
            distributor.tell(new MapDistributor.Unsubscribe(updates));
          }
          if (!outClosed) {
            outClosed = true;
            out.complete();
          }
          return Behaviors.same();
        })
        .build();
  }

  private void uncount() {
    if (counted) {
      counted = false;
      unenrolled.decrementAndGet();
    }
  }

  private void alive(CompletableFuture<Void> ack) {
    pendingAck = ack;
    timers.startSingleTimer("dead", DeadTimeout.INSTANCE, service.settings().deadStreamTimeout());
  }

  @FunctionalInterface
  interface StoreCall<T> {
    T call() throws ControlException;
  }

  /**
   * Runs a blocking service call off the actor, then {@code then} on the actor; the inbound ack
   * is sent only after that, so the client's next frame waits.
   */
  private <T> void callService(CompletableFuture<Void> ack, StoreCall<T> call, java.util.function.Consumer<T> then) {
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (ControlException e) {
        throw new CompletionException(e);
      }
    }, blocking), (result, error) -> {
      if (error == null) {
        return new Done(ack, () -> then.accept(result));
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof ControlException ce) {
        return new Failed(ack, ce, ce.code() == ControlError.Code.NODE_REVOKED);
      }
      ctx.getLog().warn("control session {}: store call failed: {}", machine.shortString(), cause.toString());
      return new Failed(ack, new ControlException(ControlError.Code.INTERNAL,
          "the coordinator could not complete the request; retry later"), true);
    });
  }

  /** Queues a frame; a client too slow to drain its queue is disconnected, never waited for. */
  private void send(ServerMessage m) {
    if (outClosed) {
      return;
    }
    QueueOfferResult r = out.offer(m);
    if (r == QueueOfferResult.dropped()) {
      ctx.getLog().info("control session {}: outbound queue of {} frames full (client not reading); closing",
          machine.shortString(), service.settings().sessionQueueSize());
      outClosed = true;
      out.fail(new ControlException(ControlError.Code.TIMEOUT, "client does not read its frames"));
      ctx.getSelf().tell(InboundClosed.INSTANCE);
    } else if (!r.isEnqueued()) {
      outClosed = true; // the connection is gone
    }
  }


  private Behavior<Command> fatal(ControlError.Code code, String message) {
    return fatal(new ControlException(code, message));
  }

  private Behavior<Command> fatal(ControlException e) {
    sendFatal(e);
    return Behaviors.stopped();
  }

  private void sendFatal(ControlException e) {
    ctx.getLog().info("control session {}{}: closing: {}", machine.shortString(),
        node == null ? "" : " (node " + node.nodeId() + ")", e.toString());
    send(ServerMessage.newBuilder().setError(e.toWire(true, now())).build());
    closing = true;
  }

  private Behavior<Command> close() {
    return Behaviors.stopped();
  }
}
