package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.key.RelayPublicKey;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.util.ByteString;

/**
 * The secure channel under relay frames: magic and version header, a Noise IK handshake in which
 * the connecting side proves its static key against the relay's, then encrypted length-prefixed
 * records. Relay frames above it are a plain byte stream, so the channel may cut or join them
 * into records as it likes.
 *
 * <p>Both stacks are oriented the Pekko way, application on top: {@code (plaintext out -> wire
 * out, wire in -> plaintext in)}. A client joins its stack with a TCP flow; a server joins the
 * reversed stack with its per-connection handler.
 */
public interface RelayChannel {

  /**
   * The connecting side. {@code self} is a node's key, or a sibling relay's own key when it
   * joins the relay mesh. Fails the stream if the peer is not {@code relay}.
   */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> initiator(
      PrivateKey<?> self, RelayPublicKey relay);

  /**
   * The accepting side. Materializes the static key the peer proved, before any plaintext is
   * delivered. The relay reads it as a node key; a sibling relay proves its relay key and then
   * identifies itself with MESH_HELLO.
   */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<NodePublicKey>> responder(
      RelayPrivateKey self);
}
