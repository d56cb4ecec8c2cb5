package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.actors.channel.ChannelDialer;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Dials a coordinator over TCP (inside TLS, when the network lets only TLS out) and runs the
 * secure channel on top: the handshake pins the coordinator's key and proves the machine key, so
 * the coordinator knows which machine this is before the first control frame.
 */
public final class TcpControlDialer implements ControlDialer {
  private final ActorSystem<?> system;
  private final MachinePrivateKey machine;
  private final CoordinatorPublicKey coordinatorKey;
  private final SecureChannel.Settings channel;
  private final Optional<SSLContext> tls;

  /** @param tls when present, TLS around the channel with this context (its trust decides which certificates pass) */
  public TcpControlDialer(ActorSystem<?> system, MachinePrivateKey machine, CoordinatorPublicKey coordinatorKey,
      SecureChannel.Settings channel, Optional<SSLContext> tls) {
    this.system = system;
    this.tls = tls;
    this.machine = machine;
    this.coordinatorKey = coordinatorKey;
    this.channel = channel;
  }

  @Override
  public Flow<ByteString, ByteString, ?> connect(Endpoint coordinator) {
    // The control protocol's hello (ClientHello) follows inside the channel.
    return ChannelDialer.connect(system, ChannelProtocol.CONTROL, coordinator, tls, machine,
        coordinatorKey, new byte[0], channel);
  }
}
