package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import org.apache.pekko.util.ByteString;

/**
 * How the connection actor talks back to one stream stage; every method is safe to call from the
 * actor's thread (implementations hop onto the stage through async callbacks).
 */
interface StageLink {
  /** The stream has an id (platform: right after opening; gateway: at once). */
  void assigned(long streamId);

  /** Platform: the gateway's answer. */
  void answered(StreamOpenResult result);

  /** Bytes for the downstream, sent only after a pull. */
  void data(ByteString bytes);

  /** The peer finished its direction and everything was delivered. */
  void endOfData();

  /** The last element written is fully in the connection's buffer: pull the next one. */
  void writeAccepted();

  /** The peer reset its direction: fail the downstream with {@code code}. */
  void reset(StreamErrorCode code);

  /** The peer stopped reading: cancel the upstream. */
  void stopped(StreamErrorCode code);

  /** The stream cannot go on (connection closed, open refused locally...). */
  void failed(Throwable cause);
}
