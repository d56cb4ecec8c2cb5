package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.channel.ChannelClient;
import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The client end: sends the preamble and Noise message 1 (with the hello) at once, reads the
 * server's reply, then confirms its keys with an empty record before any application data.
 */
final class ClientStage<S extends PublicKey> extends SecureChannelStage<ServerIdentity<S>> {
  private final PrivateKey<?> clientKey;
  private final S serverKey;
  private final byte[] hello;
  private final SecureRandom random;

  ClientStage(ChannelProtocol.Kind kind, PrivateKey<?> clientKey, S serverKey, byte[] hello,
      Duration handshakeTimeout, SecureRandom random) {
    super(kind, handshakeTimeout, CompletableFuture::new);
    this.clientKey = clientKey;
    this.serverKey = serverKey;
    this.hello = hello.clone();
    this.random = random;
  }

  @Override
  Logic newLogic(CompletableFuture<ServerIdentity<S>> identity) {
    ChannelClient<S> handshake = new ChannelClient<>(kind(), clientKey, serverKey, random);
    return new Logic(identity) {
      @Override
      void onStart() throws ChannelException {
        send(handshake.start(hello));
      }

      @Override
      void onHandshakeRecord(byte[] body) throws ChannelException {
        ChannelClient.Established established = handshake.onServerHandshake(body);
        useCipher(established.cipher());
        // The confirmation goes out before any application record: the server admits us on it.
        for (byte[] record : established.cipher().seal(new byte[0], 0, 0)) {
          send(record);
        }
        established(new ServerIdentity<>(serverKey, established.welcome(), established.cipher().handshakeHash()));
      }
    };
  }
}
