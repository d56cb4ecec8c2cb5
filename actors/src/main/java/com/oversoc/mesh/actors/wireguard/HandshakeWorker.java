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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The handshake actor of a device: every initiation and response passes through it before any
 * peer sees it. It runs the {@link HandshakeIntake} (mac1; under load mac2 or a cookie reply; the
 * per-source rate), and for an initiation the {@link InitiationOpener}, whose Diffie-Hellman is
 * the expensive part of answering. Its mailbox is the handshake queue: the router counts what it
 * hands over, this actor counts what it took, and the difference is the backlog that puts the
 * device under load.
 *
 * <p>A device has one static key, or two while a rotation's overlap lasts: one {@link Gate} per
 * key, and a message goes through the gate whose key its mac1 names.
 */
public final class HandshakeWorker {
  public sealed interface Command {}

  /** One static key of the device: the intake that admits messages addressed to it, the opener that answers them. */
  public record Gate(HandshakeIntake<Object> intake, InitiationOpener opener) {}

  /** A handshake message from {@code source}; for a response, the peer its receiver index names. */
  public record Incoming(HandshakeMessage message, Peer responseFor, Object source) implements Command {}

  /** Where the worker's results go. */
  public interface Outlet {
    /** Send a cookie reply back to where the message came from. */
    void replyTo(Object source, byte[] datagram);

    /** Hand an admitted message to the session that runs under {@code local} with the peer {@code remote}. */
    void toSession(NodePublicKey local, NodePublicKey remote, PeerSession.Command command);
  }

  private HandshakeWorker() {}

  /** @param gates the device's static keys, current first (read for every message: a rotation changes them) */
  public static Behavior<Command> create(Supplier<List<Gate>> gates, AtomicInteger backlog, Outlet outlet,
      DropCounters drops, MonotonicClock clock) {
    return Behaviors.receive(Command.class)
        .onMessage(Incoming.class, m -> {
          int waiting = backlog.decrementAndGet();
          handle(m, gates.get(), waiting, outlet, drops, clock.nanos());
          return Behaviors.same();
        })
        .build();
  }

  private static void handle(Incoming m, List<Gate> gates, int backlog, Outlet outlet, DropCounters drops, long now) {
    Gate gate = null;
    for (Gate g : gates) {
      if (g.intake().addressedHere(m.message())) {
        gate = g;
        break;
      }
    }
    if (gate == null) {
      drops.count(DropReason.INVALID_MAC1);
      return;
    }
    HandshakeIntake<Object> intake = gate.intake();
    InitiationOpener opener = gate.opener();
    switch (intake.admitAddressed(m.message(), m.source(), backlog, now)) {
      case HandshakeIntake.Refuse r -> drops.count(r.drop().reason());
      case HandshakeIntake.Challenge c -> {
        drops.count(DropReason.COOKIE_REQUIRED);
        outlet.replyTo(m.source(), c.reply().toDatagram());
      }
      case HandshakeIntake.Admit a -> {
        if (m.message() instanceof HandshakeResponse response) {
          outlet.toSession(m.responseFor().localKey(), m.responseFor().publicKey(),
              new PeerSession.Response(response, m.source()));
          return;
        }
        switch (opener.open((HandshakeInitiation) m.message())) {
          case InitiationOpener.Failed f -> drops.count(f.drop().reason());
          case InitiationOpener.Opened o ->
              outlet.toSession(opener.localKey(), o.initiation().initiator(),
                  new PeerSession.Initiation(o.initiation(), m.source()));
        }
      }
    }
  }
}
