package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.actors.channel.ChannelDialer;
import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Dials a relay over TCP, optionally inside TLS (for networks that only let TLS out on 443), and
 * runs the secure channel on top ({@link ChannelDialer}): the handshake pins the relay's key and
 * proves ours.
 */
public final class TcpRelayDialer implements RelayDialer {
  private final ActorSystem<?> system;
  private final Endpoint relay;
  private final Optional<SSLContext> tls;
  private final PrivateKey<?> self;
  private final RelayPublicKey relayKey;
  private final SecureChannel.Settings channelSettings;

  /**
   * @param tls when present, TLS with this context (its trust managers decide which relay
   *     certificates are accepted; the host name is verified)
   * @param self the key this side proves: a node key, or a relay key for a mesh link
   * @param relayKey the relay's static key from the relay map, pinned by the handshake
   */
  public TcpRelayDialer(ActorSystem<?> system, Endpoint relay, Optional<SSLContext> tls, PrivateKey<?> self,
      RelayPublicKey relayKey, SecureChannel.Settings channelSettings) {
    this.system = system;
    this.relay = relay;
    this.tls = tls;
    this.self = self;
    this.relayKey = relayKey;
    this.channelSettings = channelSettings;
  }

  @Override
  public Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connect() {
    // Relay frames need no hello in the handshake: CLIENT_INFO or MESH_HELLO follows inside the channel.
    return ChannelDialer.connect(system, ChannelProtocol.RELAY, relay, tls, self, relayKey, new byte[0],
        channelSettings);
  }

  @Override
  public String target() {
    return relay.toString();
  }
}
