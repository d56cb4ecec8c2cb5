package com.oversoc.mesh.coordinator.server;

import com.oversoc.mesh.protocol.key.MachinePublicKey;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.util.ByteString;

/**
 * The encrypted channel under the control protocol (Noise IK, see ARCHITECTURE.md): its server
 * side turns a TCP byte stream into plaintext bytes and back, and yields the client's static key
 * once the handshake has authenticated it. The control protocol starts only after that.
 *
 * <pre>
 *   TCP bytes in  --> [ top: decrypt ]    --> plaintext to the control flow
 *   TCP bytes out <-- [ bottom: encrypt ] <-- plaintext from the control flow
 * </pre>
 */
@FunctionalInterface
public interface SecureChannel {
  /** A fresh server-side stage for one connection; completes with the client's machine key. */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<MachinePublicKey>> server();
}
