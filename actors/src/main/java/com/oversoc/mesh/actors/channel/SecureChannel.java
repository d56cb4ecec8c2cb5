package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.util.ByteString;

/**
 * Builds secure channels (see {@link ChannelProtocol} for the wire format). A protocol stacks
 * its message framing atop the channel and the connection below it:
 *
 * <pre>{@code
 * // client: pins the coordinator's key, proves the machine key
 * BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ServerIdentity<CoordinatorPublicKey>>> channel =
 *     SecureChannel.client(ChannelProtocol.CONTROL, machineKey, coordinatorKey, hello, settings);
 * Flow<ByteString, ByteString, ...> messages =
 *     SecureChannel.messageFraming(maxMessage).atop(channel).join(Tcp.get(system).outgoingConnection(host, port));
 *
 * // server: one flow per accepted TCP connection
 * connection.handleWith(SecureChannel.serverConnection(ChannelProtocol.CONTROL, coordinatorKey,
 *     MachinePublicKey::new, admission, settings, identity -> messageHandlerFor(identity)), materializer);
 * }</pre>
 */
public final class SecureChannel {
  /** Default time a peer has to complete the handshake before the connection is dropped. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private SecureChannel() {}

  /**
   * @param handshakeTimeout how long the peer has to complete the handshake
   * @param random source of ephemeral keys
   */
  public record Settings(Duration handshakeTimeout, SecureRandom random) {
    public static Settings defaults() {
      return new Settings(DEFAULT_HANDSHAKE_TIMEOUT, new SecureRandom());
    }
  }

  /**
   * The client end: plaintext bytes on top (in1 to send, out2 received), network bytes below
   * (out1 to send, in2 received). Application bytes wait (backpressured) until the server is
   * proven. The materialized value completes with the server's identity, or fails with a
   * {@link com.oversoc.mesh.protocol.channel.ChannelException} (REFUSED carries the server's reason).
   */
  public static <S extends PublicKey>
      BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ServerIdentity<S>>> client(
          ChannelProtocol.Kind kind, PrivateKey<?> clientKey, S serverKey, byte[] hello, Settings settings) {
    return BidiFlow.fromGraph(
        new ClientStage<>(kind, clientKey, serverKey, hello, settings.handshakeTimeout(), settings.random()));
  }

  /**
   * The server end, with the same orientation as {@link #client}: plaintext on top, network below.
   * The materialized value completes once the client is proven (handshake done and its first
   * record opened).
   */
  public static <C extends PublicKey>
      BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ClientIdentity<C>>> server(
          ChannelProtocol.Kind kind, PrivateKey<?> serverKey, Function<byte[], C> clientKeyType,
          Admission<C> admission, Settings settings) {
    return BidiFlow.fromGraph(new ServerStage<>(kind, serverKey, clientKeyType, admission,
        settings.handshakeTimeout(), settings.random(), CompletableFuture::new));
  }

  /**
   * A whole server connection: the channel joined with the application flow that
   * {@code handler} builds once the client is proven, so the handler knows whom it serves.
   * Give it to {@code IncomingConnection.handleWith}. Each materialization is a new connection.
   */
  public static <C extends PublicKey> Flow<ByteString, ByteString, CompletionStage<ClientIdentity<C>>> serverConnection(
      ChannelProtocol.Kind kind, PrivateKey<?> serverKey, Function<byte[], C> clientKeyType,
      Admission<C> admission, Settings settings,
      Function<ClientIdentity<C>, Flow<ByteString, ByteString, ?>> handler) {
    return Flow.<ByteString, ByteString, CompletionStage<ClientIdentity<C>>>fromMaterializer((mat, attrs) -> {
      CompletableFuture<ClientIdentity<C>> identity = new CompletableFuture<>();
      BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ClientIdentity<C>>> channel =
          BidiFlow.fromGraph(new ServerStage<>(kind, serverKey, clientKeyType, admission,
              settings.handshakeTimeout(), settings.random(), () -> identity));
      Flow<ByteString, ByteString, CompletionStage<NotUsed>> app = Flow.completionStageFlow(
          identity.thenApply(id -> handler.apply(id).mapMaterializedValue(m -> NotUsed.getInstance())));
      // The channel's top (plaintext) side joins the application; what remains faces the network.
      return channel.reversed().join(app);
    }).mapMaterializedValue(nested -> nested.thenCompose(m -> m));
  }

  /**
   * Length-prefixed messages (u32 big-endian) atop the channel's byte stream, with a cap on a
   * message's size that is checked on its header, before anything is buffered for it.
   */
  public static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> messageFraming(int maxMessageBytes) {
    return Framing.simpleFramingProtocol(maxMessageBytes);
  }
}
