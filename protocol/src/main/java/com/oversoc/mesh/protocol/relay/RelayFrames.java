package com.oversoc.mesh.protocol.relay;

import static com.oversoc.mesh.protocol.relay.RelayProtocol.HEADER_LENGTH;
import static com.oversoc.mesh.protocol.relay.RelayProtocol.KEY_LENGTH;
import static com.oversoc.mesh.protocol.relay.RelayProtocol.MAX_FRAME_PAYLOAD;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrame.ForwardPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.Health;
import com.oversoc.mesh.protocol.relay.RelayFrame.KeepAlive;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerGone;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerPresent;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.Pong;
import com.oversoc.mesh.protocol.relay.RelayFrame.RecvPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayFrameException.Problem;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Encodes and decodes relay frames. Decoding is exact: the header's type must be known, its length
 * at most {@link RelayProtocol#MAX_FRAME_PAYLOAD} and within the type's bounds, and the payload
 * must be consumed to the last byte; anything else is one {@link RelayFrameException}.
 */
public final class RelayFrames {
  private RelayFrames() {}

  /** Header and payload in one new array. */
  public static byte[] encode(RelayFrame frame) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + frame.payloadLength());
    encodeInto(frame, out);
    return out.array();
  }

  /** Writes header and payload at {@code out}'s position. */
  public static void encodeInto(RelayFrame frame, ByteBuffer out) {
    int length = frame.payloadLength();
    out.put((byte) frame.type().code()).putInt(length);
    int start = out.position();
    frame.writePayload(out);
    if (out.position() - start != length) {
      throw new IllegalStateException(frame.type() + " wrote " + (out.position() - start) + " bytes, announced " + length);
    }
  }

  /** Header length plus payload length. */
  public static int encodedLength(RelayFrame frame) {
    return HEADER_LENGTH + frame.payloadLength();
  }

  /**
   * Checks a header before its payload is read or buffered: the type must be known and the length
   * within that type's bounds.
   *
   * @param typeByte the first header byte
   * @param length the next four bytes, big-endian, as an unsigned value
   * @throws RelayFrameException TOO_LARGE, UNKNOWN_TYPE or BAD_LENGTH
   */
  public static FrameType checkHeader(int typeByte, long length) {
    if (length < 0 || length > MAX_FRAME_PAYLOAD) {
      throw new RelayFrameException(Problem.TOO_LARGE,
          "frame announces " + length + " payload bytes; at most " + MAX_FRAME_PAYLOAD + " are accepted");
    }
    FrameType type = FrameType.ofCode(typeByte & 0xff);
    if (length < type.minPayload() || length > type.maxPayload()) {
      throw new RelayFrameException(Problem.BAD_LENGTH, type + " payload is " + length + " bytes; accepted: "
          + (type.minPayload() == type.maxPayload() ? "exactly " + type.minPayload()
              : type.minPayload() + " to " + type.maxPayload()));
    }
    return type;
  }

  /**
   * Decodes one whole frame, header included; the buffer must hold exactly that frame.
   *
   * @throws RelayFrameException if it is not exactly one valid frame
   */
  public static RelayFrame decode(ByteBuffer frame) {
    if (frame.remaining() < HEADER_LENGTH) {
      throw new RelayFrameException(Problem.BAD_LENGTH,
          "a frame is at least " + HEADER_LENGTH + " bytes, got " + frame.remaining());
    }
    int typeByte = frame.get() & 0xff;
    long length = Integer.toUnsignedLong(frame.getInt());
    FrameType type = checkHeader(typeByte, length);
    if (frame.remaining() != length) {
      throw new RelayFrameException(Problem.BAD_LENGTH,
          type + " header announces " + length + " payload bytes but " + frame.remaining() + " follow");
    }
    return decodePayload(type, frame);
  }

  /**
   * Decodes the payload of a frame whose header was already checked with {@link #checkHeader};
   * consumes the whole buffer.
   */
  public static RelayFrame decodePayload(FrameType type, ByteBuffer p) {
    int length = p.remaining();
    if (length < type.minPayload() || length > type.maxPayload()) {
      throw new RelayFrameException(Problem.BAD_LENGTH, type + " payload is " + length + " bytes");
    }
    try {
      RelayFrame frame = switch (type) {
        case CLIENT_INFO -> new ClientInfo(version(type, p.get()), (p.get() & ClientInfo.FLAG_HOME) != 0);
        case SERVER_INFO -> new ServerInfo(version(type, p.get()), Duration.ofMillis(uint32(p)), uint32(p), uint32(p));
        case SEND_PACKET -> new SendPacket(key(p), rest(p));
        case RECV_PACKET -> new RecvPacket(key(p), rest(p));
        case FORWARD_PACKET -> new ForwardPacket(key(p), key(p), rest(p));
        case KEEPALIVE -> new KeepAlive();
        case PING -> new Ping(p.getLong());
        case PONG -> new Pong(p.getLong());
        case PEER_PRESENT -> new PeerPresent(key(p));
        case PEER_GONE -> new PeerGone(key(p), PeerGoneReason.ofCode(p.get() & 0xff));
        case HEALTH -> new Health(utf8(type, p));
        case SERVER_RESTARTING -> new ServerRestarting(Duration.ofMillis(uint32(p)), Duration.ofMillis(uint32(p)));
        case CLOSING -> new Closing(CloseReason.ofCode(p.get() & 0xff), utf8(type, p));
        case MESH_HELLO -> new MeshHello(version(type, p.get()), meshKey(p));
      };
      if (p.hasRemaining()) {
        throw new RelayFrameException(Problem.BAD_LENGTH, type + " has " + p.remaining() + " trailing bytes");
      }
      return frame;
    } catch (BufferUnderflowException e) {
      throw new RelayFrameException(Problem.BAD_LENGTH, type + " payload is too short");
    }
  }

  /**
   * The longest prefix of {@code text} that fits {@code maxBytes} of UTF-8 without splitting a
   * character, so a detail built from an exception message always fits a CLOSING frame.
   */
  public static String truncateUtf8(String text, int maxBytes) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxBytes) {
      return text;
    }
    int end = maxBytes;
    while (end > 0 && (utf8[end] & 0xc0) == 0x80) {
      end--; // do not cut inside a multi-byte sequence
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8);
  }

  private static int version(FrameType type, byte b) {
    int v = b & 0xff;
    if (v == 0) {
      throw new RelayFrameException(Problem.BAD_VALUE, type + ": version 0 does not exist");
    }
    return v;
  }

  private static long uint32(ByteBuffer p) {
    return Integer.toUnsignedLong(p.getInt());
  }

  private static NodePublicKey key(ByteBuffer p) {
    byte[] k = new byte[KEY_LENGTH];
    p.get(k);
    return new NodePublicKey(k);
  }

  private static MeshKey meshKey(ByteBuffer p) {
    byte[] k = new byte[KEY_LENGTH];
    p.get(k);
    try {
      return new MeshKey(k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  private static byte[] rest(ByteBuffer p) {
    byte[] packet = new byte[p.remaining()];
    p.get(packet);
    return packet;
  }

  private static String utf8(FrameType type, ByteBuffer p) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(p);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new RelayFrameException(Problem.BAD_VALUE, type + " text is not valid UTF-8");
    }
  }
}
