package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Gateway: a stream the platform opened to {@code target}:{@code port}. Check policy, dial the
 * target, then {@link #accept()} (and join the returned flow with the target's socket) or
 * {@link #reject} with the reason.
 */
public record IncomingStream(long streamId, IpLiteral target, int port, TransportConnection connection) {
  /** Answers OK; the flow carries the stream's bytes (upstream: to the platform; downstream: from it). */
  public Flow<ByteString, ByteString, NotUsed> accept() {
    connection.answer(streamId, StreamOpenResult.OK);
    return Flow.fromGraph(new TransportStreamStage(connection, streamId)).mapMaterializedValue(f -> NotUsed.getInstance());
  }

  /** Refuses the stream with a typed reason (POLICY_DENIED, REFUSED, UNREACHABLE, TIMEOUT...). */
  public void reject(StreamOpenResult result) {
    if (result == StreamOpenResult.OK || result == StreamOpenResult.UNRECOGNIZED) {
      throw new IllegalArgumentException("reject with a reason, not " + result);
    }
    connection.answer(streamId, result);
  }
}
