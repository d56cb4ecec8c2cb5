package com.oversoc.mesh.actors.wireguard;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.wireguard.DropReason;
import com.oversoc.mesh.protocol.wireguard.HandshakeInitiation;
import com.oversoc.mesh.protocol.wireguard.HandshakeIntake;
import com.oversoc.mesh.protocol.wireguard.HandshakeMessage;
import com.oversoc.mesh.protocol.wireguard.HandshakeResponse;
import com.oversoc.mesh.protocol.wireguard.InitiationOpener;
import com.oversoc.mesh.protocol.wireguard.Peer;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The handshake actor of a device: every initiation and response passes through it before any
 * peer sees it. It runs the {@link HandshakeIntake} (mac1; under load mac2 or a cookie reply; the
 * per-source rate), and for an initiation the {@link InitiationOpener}, whose Diffie-Hellman is
 * the expensive part of answering. Its mailbox is the handshake queue: the router counts what it
 * hands over, this actor counts what it took, and the difference is the backlog that puts the
 * device under load.
 */
public final class HandshakeWorker {
  public sealed interface Command {}

  /** A handshake message from {@code source}; for a response, the peer its receiver index names. */
  public record Incoming(HandshakeMessage message, Peer responseFor, Object source) implements Command {}

  /** Where the worker's results go. */
  public interface Outlet {
    /** Send a cookie reply back to where the message came from. */
    void replyTo(Object source, byte[] datagram);

    /** Hand an admitted message to the session of the peer with {@code key}. */
    void toSession(NodePublicKey key, PeerSession.Command command);
  }

  private HandshakeWorker() {}

  public static Behavior<Command> create(HandshakeIntake<Object> intake, InitiationOpener opener, AtomicInteger backlog,
      Outlet outlet, DropCounters drops, MonotonicClock clock) {
    return Behaviors.receive(Command.class)
        .onMessage(Incoming.class, m -> {
          int waiting = backlog.decrementAndGet();
          handle(m, intake, opener, waiting, outlet, drops, clock.nanos());
          return Behaviors.same();
        })
        .build();
  }

  private static void handle(Incoming m, HandshakeIntake<Object> intake, InitiationOpener opener, int backlog,
      Outlet outlet, DropCounters drops, long now) {
    switch (intake.admit(m.message(), m.source(), backlog, now)) {
      case HandshakeIntake.Refuse r -> drops.count(r.drop().reason());
      case HandshakeIntake.Challenge c -> {
        drops.count(DropReason.COOKIE_REQUIRED);
        outlet.replyTo(m.source(), c.reply().toDatagram());
      }
      case HandshakeIntake.Admit a -> {
        if (m.message() instanceof HandshakeResponse response) {
          outlet.toSession(m.responseFor().publicKey(), new PeerSession.Response(response, m.source()));
          return;
        }
        switch (opener.open((HandshakeInitiation) m.message())) {
          case InitiationOpener.Failed f -> drops.count(f.drop().reason());
          case InitiationOpener.Opened o ->
              outlet.toSession(o.initiation().initiator(), new PeerSession.Initiation(o.initiation(), m.source()));
        }
      }
    }
  }
}
