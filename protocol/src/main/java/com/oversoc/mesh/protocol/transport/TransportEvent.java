package com.oversoc.mesh.protocol.transport;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.frame.FrameError;
import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;

/** Something the application must know, taken with {@link Connection#takeEvents()}. */
public sealed interface TransportEvent {
  /** Gateway: the platform opened a stream; answer with {@link Connection#answerOpen}. */
  record StreamOpened(long streamId, IpLiteral target, int port) implements TransportEvent {}

  /** Platform: the gateway answered a STREAM_OPEN (or it timed out: {@link StreamOpenResult#TIMEOUT}). */
  record StreamOpenAnswered(long streamId, StreamOpenResult result) implements TransportEvent {}

  /** Bytes or the end of the stream can be read. */
  record StreamReadable(long streamId) implements TransportEvent {}

  /** The stream accepts writes again after a write was cut short. */
  record StreamWritable(long streamId) implements TransportEvent {}

  /** The peer abandoned its sending direction: no more bytes will arrive. */
  record StreamReset(long streamId, StreamErrorCode code) implements TransportEvent {}

  /** The peer no longer reads; this side's sending direction was reset with the same code. */
  record StreamStopped(long streamId, StreamErrorCode code) implements TransportEvent {}

  /** Both directions are finished and the stream is gone; its id is never used again. */
  record StreamClosed(long streamId) implements TransportEvent {}

  /** A packet could not be decoded and was dropped; the connection carries on. */
  record PacketDropped(FrameError error, String detail) implements TransportEvent {}

  /** The connection is closed; every stream with it. */
  record ConnectionClosed(ConnectionError error, String reason, boolean byPeer) implements TransportEvent {}
}
