package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrameException;
import com.oversoc.mesh.protocol.relay.RelayFrames;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import java.nio.ByteOrder;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;

/** Relay frames over a byte stream: Pekko's length-field framing with the protocol's header check. */
public final class RelayFraming {
  private static final int LENGTH_FIELD_OFFSET = 1;
  private static final int LENGTH_FIELD_LENGTH = 4;

  private RelayFraming() {}

  /**
   * Splits bytes into frames and decodes them. The header is checked (known type, length within
   * the 64 KiB cap and the type's bounds) as soon as its five bytes arrive, before any payload
   * is buffered; every malformation fails the stream with a {@link RelayFrameException}.
   */
  public static Flow<ByteString, RelayFrame, NotUsed> decoder() {
    return Framing.lengthField(LENGTH_FIELD_LENGTH, LENGTH_FIELD_OFFSET,
            RelayProtocol.HEADER_LENGTH + RelayProtocol.MAX_FRAME_PAYLOAD, ByteOrder.BIG_ENDIAN,
            (prefix, length) -> {
              long payload = Integer.toUnsignedLong(length);
              RelayFrames.checkHeader(prefix[0], payload);
              return RelayProtocol.HEADER_LENGTH + (int) payload;
            })
        .mapError(FramingException.class, e -> new RelayFrameException(RelayFrameException.Problem.BAD_LENGTH,
            "the connection ended inside a frame"))
        .map(frame -> RelayFrames.decode(frame.asByteBuffer()))
        // A malformed frame is the peer's fault and closes only its connection; whoever owns the
        // connection logs it once, at its level, rather than Pekko at ERROR with a stack trace.
        .addAttributes(Attributes.createLogLevels(
            Attributes.logLevelOff(), Attributes.logLevelOff(), Attributes.logLevelOff()));
  }

  /** One encoded frame, without copying the encoder's array. */
  public static ByteString encode(RelayFrame frame) {
    return ByteString.fromArrayUnsafe(RelayFrames.encode(frame));
  }
}
