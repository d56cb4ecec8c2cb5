package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.channel.ChannelServer;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.stream.stage.AsyncCallback;

/**
 * The server end: reads the client's preamble and message 1, asks {@link Admission} about the
 * key it names (reading pauses meanwhile), answers, and treats the client as proven once its
 * first transport record opens.
 */
final class ServerStage<C extends PublicKey> extends SecureChannelStage<ClientIdentity<C>> {
  private final PrivateKey<?> serverKey;
  private final Function<byte[], C> clientKeyType;
  private final Admission<C> admission;
  private final SecureRandom random;

  ServerStage(ChannelProtocol.Kind kind, PrivateKey<?> serverKey, Function<byte[], C> clientKeyType,
      Admission<C> admission, Duration handshakeTimeout, SecureRandom random,
      Supplier<CompletableFuture<ClientIdentity<C>>> promises) {
    super(kind, handshakeTimeout, promises);
    this.serverKey = serverKey;
    this.clientKeyType = clientKeyType;
    this.admission = admission;
    this.random = random;
  }

  @Override
  Logic newLogic(CompletableFuture<ClientIdentity<C>> identity) {
    ChannelServer<C> handshake = new ChannelServer<>(kind(), serverKey, clientKeyType, random);
    return new Logic(identity) {
      private ChannelServer.Hello<C> hello;
      private AsyncCallback<Object> decided;

      @Override
      void onStart() {
        decided = createAsyncCallback(this::onDecision);
      }

      @Override
      void onHandshakeRecord(byte[] body) throws ChannelException {
        if (hello == null) {
          hello = handshake.onClientHandshake(body);
          paused = true; // no further record is read until admission has decided
          admission.decide(hello.clientKey(), hello.hello()).whenComplete((d, err) -> decided.invoke(err != null ? err : d));
          return;
        }
        // The client's first transport record: it proves the client holds the keys of this handshake.
        deliver(cipher().open(body));
        established(new ClientIdentity<>(hello.clientKey(), hello.hello(), cipher().handshakeHash()));
      }

      private void onDecision(Object outcome) {
        try {
          if (outcome instanceof Admission.Accept accept) {
            ChannelServer.Accepted accepted = handshake.accept(accept.welcome());
            useCipher(accepted.cipher());
            send(handshake.preamble());
            send(accepted.record());
            resume();
          } else {
            String reason;
            ChannelException failure;
            if (outcome instanceof Admission.Refuse refuse) {
              reason = refuse.reason();
              failure = new ChannelException(Reason.REFUSED, reason);
            } else {
              // No decision could be made (the store is down): refuse, fail closed, keep the cause inside.
              Throwable t = (Throwable) outcome;
              reason = "temporarily unavailable";
              failure = new ChannelException(Reason.REFUSED, "admission failed: " + t, t);
            }
            byte[] record = handshake.refuse(reason);
            byte[] flight = new byte[ChannelProtocol.PREAMBLE_LENGTH + record.length];
            System.arraycopy(handshake.preamble(), 0, flight, 0, ChannelProtocol.PREAMBLE_LENGTH);
            System.arraycopy(record, 0, flight, ChannelProtocol.PREAMBLE_LENGTH, record.length);
            sendAndClose(flight, failure);
          }
        } catch (ChannelException e) {
          fail(e);
        }
      }

      @Override
      void onReadFailure(ChannelException e) {
        if (e.reason() == Reason.UNSUPPORTED_VERSION) {
          // Tell the client which version we speak; it reports the mismatch instead of a reset.
          sendAndClose(handshake.preamble(), e);
        } else {
          fail(e);
        }
      }
    };
  }
}
