package com.oversoc.mesh.protocol.transport.frame;

import com.oversoc.mesh.protocol.net.IpLiteral;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * The platform opens a stream to a target inside the gateway's network: an IP address (never a
 * name) and a port.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x20)  |               Stream Id (32) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ...      |          Port (16)            | Address Length|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Address (0..16 bytes, network order) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Any address length up to 16 decodes, so that a target that is not a 4- or 16-byte address is
 * refused per stream (NOT_AN_IP_LITERAL) instead of failing the whole packet.
 *
 * @param address raw address bytes; a valid target has 4 or 16
 */
public record StreamOpenFrame(long streamId, int port, byte[] address) implements Frame {
  public static final int STREAM_ID_OFFSET = 1;
  public static final int STREAM_ID_SIZE = 4;
  public static final int PORT_OFFSET = STREAM_ID_OFFSET + STREAM_ID_SIZE;
  public static final int PORT_SIZE = 2;
  public static final int ADDRESS_LENGTH_OFFSET = PORT_OFFSET + PORT_SIZE;
  public static final int ADDRESS_LENGTH_SIZE = 1;
  public static final int ADDRESS_OFFSET = ADDRESS_LENGTH_OFFSET + ADDRESS_LENGTH_SIZE;
  public static final int MAX_ADDRESS_SIZE = 16;
  public static final int MAX_SIZE = ADDRESS_OFFSET + MAX_ADDRESS_SIZE;

  public StreamOpenFrame {
    StreamFrame.checkStreamId(streamId);
    address = address.clone();
    if (address.length > MAX_ADDRESS_SIZE || port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("bad STREAM_OPEN field");
    }
  }

  public static StreamOpenFrame of(long streamId, IpLiteral target, int port) {
    return new StreamOpenFrame(streamId, port, target.bytes());
  }

  /** The target address, if the frame carries a 4- or 16-byte one. */
  public Optional<IpLiteral> target() {
    return address.length == 4 || address.length == 16
        ? Optional.of(IpLiteral.ofBytes(address)) : Optional.empty();
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  @Override
  public FrameType type() {
    return FrameType.STREAM_OPEN;
  }

  @Override
  public int encodedSize() {
    return ADDRESS_OFFSET + address.length;
  }

  @Override
  public void encode(ByteBuffer out) {
    out.put((byte) FrameType.STREAM_OPEN.wire());
    out.putInt((int) streamId);
    out.putShort((short) port);
    out.put((byte) address.length);
    out.put(address);
  }

  static StreamOpenFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, ADDRESS_OFFSET - 1, FrameType.STREAM_OPEN);
    long streamId = in.getInt() & 0xFFFF_FFFFL;
    int port = in.getShort() & 0xffff;
    int length = in.get() & 0xff;
    if (length > MAX_ADDRESS_SIZE) {
      throw new FrameException(FrameError.INVALID_FIELD,
          "STREAM_OPEN address of " + length + " bytes, at most " + MAX_ADDRESS_SIZE);
    }
    FrameException.need(in, length, FrameType.STREAM_OPEN);
    byte[] address = new byte[length];
    in.get(address);
    return new StreamOpenFrame(streamId, port, address);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamOpenFrame f && f.streamId == streamId && f.port == port
        && Arrays.equals(f.address, address);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(streamId) * 31 + port * 17 + Arrays.hashCode(address);
  }

  @Override
  public String toString() {
    return "StreamOpenFrame[streamId=" + streamId + ", target="
        + target().map(IpLiteral::toString).orElse(address.length + " bytes") + ", port=" + port + "]";
  }
}
