package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
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
 * The client side of a secure channel over TCP, optionally inside TLS (for networks that only
 * let TLS out): the handshake pins the server's key and proves ours. The server's host name is
 * resolved by Pekko's resolver at each materialization, so a server that moved is found again on
 * reconnect. Relay clients and control clients both dial through it.
 */
public final class ChannelDialer {
  /** How long a TCP connect may take before the attempt counts as failed. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private ChannelDialer() {}

  /**
   * A new connection each time the flow is materialized: plaintext in and out, the TCP
   * connection as materialized value.
   *
   * @param tls when present, TLS with this context (its trust managers decide which server
   *     certificates are accepted; the host name is verified)
   * @param self the key this side proves
   * @param serverKey the server's static key, pinned by the handshake
   * @param hello what the client's first handshake message carries (empty if the protocol sends
   *     its hello inside the channel)
   */
  public static Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connect(ActorSystem<?> system,
      ChannelProtocol.Kind kind, Endpoint server, Optional<SSLContext> tls, PrivateKey<?> self, PublicKey serverKey,
      byte[] hello, SecureChannel.Settings settings) {
    InetSocketAddress remote = InetSocketAddress.createUnresolved(server.host(), server.port());
    Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp = tls
        .map(ctx -> Tcp.get(system).outgoingConnectionWithTls(remote, () -> clientEngine(ctx, server), Optional.empty(),
            List.of(), Optional.of(CONNECT_TIMEOUT), Optional.empty(), session -> Optional.empty(),
            TLSClosing.eagerClose()))
        .orElseGet(() -> Tcp.get(system).outgoingConnection(remote, Optional.empty(), List.of(), false,
            Optional.of(CONNECT_TIMEOUT), Optional.empty()));
    return SecureChannel.client(kind, self, serverKey, hello, settings).join(tcp, Keep.right());
  }

  private static SSLEngine clientEngine(SSLContext ctx, Endpoint server) {
    SSLEngine engine = ctx.createSSLEngine(server.host(), server.port());
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    if (server.ipLiteral().isEmpty()) {
      params.setServerNames(List.of(new SNIHostName(server.host())));
    }
    engine.setSSLParameters(params);
    return engine;
  }
}
