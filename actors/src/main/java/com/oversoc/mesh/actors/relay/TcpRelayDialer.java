package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Dials a relay over TCP, optionally inside TLS (for networks that only let TLS out on 443), and
 * runs the secure channel on top: the handshake pins the relay's key and proves ours. The relay's host name is resolved by Pekko's resolver at each
 * attempt, so a relay that moved is found again on reconnect.
 */
public final class TcpRelayDialer implements RelayDialer {
  /** How long a TCP connect may take before the attempt counts as failed. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

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
    InetSocketAddress remote = InetSocketAddress.createUnresolved(relay.host(), relay.port());
    Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp = tls
        .map(ctx -> Tcp.get(system).outgoingConnectionWithTls(remote, () -> clientEngine(ctx), Optional.empty(),
            List.of(), Optional.of(CONNECT_TIMEOUT), Optional.empty(), session -> Optional.empty(),
            TLSClosing.eagerClose()))
        .orElseGet(() -> Tcp.get(system).outgoingConnection(remote, Optional.empty(), List.of(), false,
            Optional.of(CONNECT_TIMEOUT), Optional.empty()));
    // Relay frames need no hello in the handshake: CLIENT_INFO or MESH_HELLO follows inside the channel.
    return SecureChannel.client(ChannelProtocol.RELAY, self, relayKey, new byte[0], channelSettings)
        .join(tcp, Keep.right());
  }

  private SSLEngine clientEngine(SSLContext ctx) {
    SSLEngine engine = ctx.createSSLEngine(relay.host(), relay.port());
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    if (relay.ipLiteral().isEmpty()) {
      params.setServerNames(List.of(new SNIHostName(relay.host())));
    }
    engine.setSSLParameters(params);
    return engine;
  }
}
