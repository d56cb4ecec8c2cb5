package com.oversoc.mesh.coordinator.server;

import com.oversoc.mesh.actors.channel.Admission;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.channel.TlsContexts;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * The control protocol's TCP listener: each accepted connection runs the secure channel
 * (Noise IK; the node pins the coordinator key and proves its machine key), and once the
 * channel has authenticated the machine key, the control session for that key on top.
 *
 * <pre>
 *  TCP <-> TLS (optional) <-> SecureChannel (CONTROL) <-> ControlConnection.flow(authenticated machine key)
 * </pre>
 *
 * Admission accepts every key: whether a machine is enrolled, revoked or may enroll is the
 * control protocol's decision, answered with a typed ControlError the node can act on.
 */
public final class ControlListener {
  private static final Admission<MachinePublicKey> ANY_MACHINE =
      (key, hello) -> CompletableFuture.completedFuture(Admission.Decision.accept(new byte[0]));

  /** Connections the kernel may queue before they are accepted (Pekko's default). */
  private static final int BACKLOG = 100;

  private ControlListener() {}

  /** @param tls when present, TLS around the secure channel (for nodes whose networks let only TLS out) */
  public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem<?> system, String address, int port,
      Optional<SSLContext> tls, CoordinatorPrivateKey key, SecureChannel.Settings channel,
      ControlConnection connections) {
    Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> accepted = tls
        .map(ctx -> Tcp.get(system).bindWithTls(address, port, () -> TlsContexts.serverEngine(ctx), BACKLOG, List.of(),
            Optional.empty(), session -> Optional.empty(), TLSClosing.eagerClose()))
        .orElseGet(() -> Tcp.get(system).bind(address, port));
    return accepted
        .to(Sink.foreach(c -> c.handleWith(SecureChannel.serverConnection(ChannelProtocol.CONTROL, key,
            MachinePublicKey::new, ANY_MACHINE, channel, identity -> connections.flow(identity.clientKey())), system)))
        .run(system);
  }
}
