package com.oversoc.mesh.actors.control;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.FrameDecoder;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.util.ByteString;

/**
 * Control messages over a plaintext byte stream: a 4-byte big-endian length, then one protobuf
 * message, with a size cap checked on the header. The coordinator's side ({@link #server()})
 * turns a frame over the cap or one that is not a ClientMessage into a typed error element
 * (FRAME_TOO_LARGE, MALFORMED_MESSAGE) and never fails its stream; a client's side
 * ({@link #client()}) uses Pekko's {@link Framing} and fails on bad input from the coordinator.
 */
public final class ControlFraming {
  private ControlFraming() {}

  /**
   * One decoded client frame, or the error that ended decoding. The coordinator's side never
   * fails its stream on bad input (a failure would cancel the connection before the error
   * frame is written): it hands the error on and discards the rest.
   */
  public record Inbound(ClientMessage message, ControlException error) {}

  /** Coordinator side: bytes in -> ClientMessage (or the typed error); ServerMessage -> bytes out. */
  public static BidiFlow<ByteString, Inbound, ServerMessage, ByteString, NotUsed> server() {
    return BidiFlow.fromFlows(
        Flow.<ByteString>create().statefulMapConcat(() -> {
          FrameDecoder decoder = new FrameDecoder(ControlProtocol.MAX_CLIENT_FRAME_BYTES);
          boolean[] failed = {false};
          return bytes -> {
            if (failed[0]) {
              return List.of();
            }
            List<Inbound> out = new ArrayList<>();
            try {
              for (byte[] payload : decoder.feed(bytes.toArrayUnsafe())) {
                out.add(new Inbound(parseClient(ByteString.fromArrayUnsafe(payload)), null));
              }
            } catch (ControlException e) {
              failed[0] = true;
              out.add(new Inbound(null, e));
            }
            return out;
          };
        }),
        Flow.<ServerMessage>create().map(m -> encode(m, ControlProtocol.MAX_SERVER_FRAME_BYTES)));
  }

  /** Client side: bytes in -> ServerMessage; ClientMessage -> bytes out. */
  public static BidiFlow<ByteString, ServerMessage, ClientMessage, ByteString, NotUsed> client() {
    return BidiFlow.fromFlows(
        decoder(ControlProtocol.MAX_SERVER_FRAME_BYTES).map(ControlFraming::parseServer),
        Flow.<ClientMessage>create().map(m -> encode(m, ControlProtocol.MAX_CLIENT_FRAME_BYTES)));
  }

  private static Flow<ByteString, ByteString, NotUsed> decoder(int maxPayload) {
    return Framing.lengthField(ControlProtocol.FRAME_HEADER_BYTES, 0,
        maxPayload + ControlProtocol.FRAME_HEADER_BYTES, ByteOrder.BIG_ENDIAN)
        .map(frame -> frame.drop(ControlProtocol.FRAME_HEADER_BYTES));
  }

  public static ClientMessage parseClient(ByteString payload) throws ControlException {
    try {
      ClientMessage m = ClientMessage.parseFrom(payload.asByteBuffer());
      if (m.getBodyCase() == ClientMessage.BodyCase.BODY_NOT_SET) {
        throw new ControlException(ControlError.Code.MALFORMED_MESSAGE,
            "frame holds no known ClientMessage (empty, or from a newer protocol)");
      }
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw new ControlException(ControlError.Code.MALFORMED_MESSAGE, "frame is not a ClientMessage: " + e.getMessage());
    }
  }

  public static ServerMessage parseServer(ByteString payload) throws ControlException {
    try {
      return ServerMessage.parseFrom(payload.asByteBuffer());
    } catch (InvalidProtocolBufferException e) {
      throw new ControlException(ControlError.Code.MALFORMED_MESSAGE, "frame is not a ServerMessage: " + e.getMessage());
    }
  }

  /** Length prefix and payload; a message over {@code max} is a bug of the sender, not sent. */
  public static ByteString encode(MessageLite m, int max) {
    int size = m.getSerializedSize();
    if (size > max) {
      throw new IllegalStateException("control message of " + size + " bytes exceeds the frame cap " + max);
    }
    byte[] out = new byte[ControlProtocol.FRAME_HEADER_BYTES + size];
    out[0] = (byte) (size >>> 24);
    out[1] = (byte) (size >>> 16);
    out[2] = (byte) (size >>> 8);
    out[3] = (byte) size;
    com.google.protobuf.CodedOutputStream cos =
        com.google.protobuf.CodedOutputStream.newInstance(out, ControlProtocol.FRAME_HEADER_BYTES, size);
    try {
      m.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("serialising into an exact-size array cannot fail", e);
    }
    return ByteString.fromArrayUnsafe(out);
  }
}
