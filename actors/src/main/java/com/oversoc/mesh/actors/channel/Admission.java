package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.key.PublicKey;
import java.util.concurrent.CompletionStage;

/**
 * A server's decision on a client that has named its key (and encrypted its hello to the
 * server). It must have no side effects: the client is not yet proven live, since a replayed
 * first message names a key too. Act on the client once the channel's
 * {@link ClientIdentity} completes.
 */
@FunctionalInterface
public interface Admission<C extends PublicKey> {

  CompletionStage<Decision> decide(C clientKey, byte[] hello);

  /** Accept with a welcome for the client, or refuse with a reason it can read. */
  sealed interface Decision {
    static Decision accept(byte[] welcome) {
      return new Accept(welcome.clone());
    }

    static Decision refuse(String reason) {
      return new Refuse(reason);
    }
  }

  record Accept(byte[] welcome) implements Decision {}

  record Refuse(String reason) implements Decision {}
}
