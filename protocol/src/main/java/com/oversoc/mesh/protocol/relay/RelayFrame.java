package com.oversoc.mesh.protocol.relay;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One relay frame as a value. Layouts are on {@link FrameType}; {@link RelayFrames} encodes and
 * decodes. Constructors validate, so an instance always encodes to a frame the peer accepts.
 *
 * <p>Packet frames hold their packet as a {@code byte[]} that the frame owns: decode copies it
 * out of the input once, and nothing copies it again until it is written.
 */
public sealed interface RelayFrame {

  FrameType type();

  /** Bytes after the 5-byte header. */
  int payloadLength();

  /** Writes exactly {@link #payloadLength()} bytes at the buffer's position. */
  void writePayload(ByteBuffer out);

  /** A frame that carries a packet: SEND_PACKET, RECV_PACKET or FORWARD_PACKET. */
  sealed interface PacketFrame extends RelayFrame {
    byte[] packet();
  }

  record ClientInfo(int version, boolean home) implements RelayFrame {
    static final int FLAG_HOME = 0x01;

    public ClientInfo {
      checkVersion(version);
    }

    @Override
    public FrameType type() {
      return FrameType.CLIENT_INFO;
    }

    @Override
    public int payloadLength() {
      return 2;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.put((byte) version).put((byte) (home ? FLAG_HOME : 0));
    }
  }

  /**
   * @param rateBytesPerSecond the client's sustained send rate at this relay, 0 if unlimited
   * @param burstBytes how much the client may send at once above that rate
   */
  record ServerInfo(int version, Duration keepalive, long rateBytesPerSecond, long burstBytes)
      implements RelayFrame {
    public ServerInfo {
      checkVersion(version);
      checkUint32Millis("keepalive", keepalive);
      checkUint32("rate", rateBytesPerSecond);
      checkUint32("burst", burstBytes);
    }

    @Override
    public FrameType type() {
      return FrameType.SERVER_INFO;
    }

    @Override
    public int payloadLength() {
      return 13;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.put((byte) version)
          .putInt((int) keepalive.toMillis())
          .putInt((int) rateBytesPerSecond)
          .putInt((int) burstBytes);
    }
  }

  record SendPacket(NodePublicKey destination, byte[] packet) implements PacketFrame {
    public SendPacket {
      checkPacket(packet);
    }

    @Override
    public FrameType type() {
      return FrameType.SEND_PACKET;
    }

    @Override
    public int payloadLength() {
      return RelayProtocol.KEY_LENGTH + packet.length;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      putKey(out, destination);
      out.put(packet);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SendPacket p && destination.equals(p.destination) && Arrays.equals(packet, p.packet);
    }

    @Override
    public int hashCode() {
      return destination.hashCode() * 31 + Arrays.hashCode(packet);
    }

    @Override
    public String toString() {
      return "SendPacket[to " + destination.shortString() + ", " + packet.length + " bytes]";
    }
  }

  record RecvPacket(NodePublicKey source, byte[] packet) implements PacketFrame {
    public RecvPacket {
      checkPacket(packet);
    }

    @Override
    public FrameType type() {
      return FrameType.RECV_PACKET;
    }

    @Override
    public int payloadLength() {
      return RelayProtocol.KEY_LENGTH + packet.length;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      putKey(out, source);
      out.put(packet);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RecvPacket p && source.equals(p.source) && Arrays.equals(packet, p.packet);
    }

    @Override
    public int hashCode() {
      return source.hashCode() * 31 + Arrays.hashCode(packet);
    }

    @Override
    public String toString() {
      return "RecvPacket[from " + source.shortString() + ", " + packet.length + " bytes]";
    }
  }

  record ForwardPacket(NodePublicKey source, NodePublicKey destination, byte[] packet) implements PacketFrame {
    public ForwardPacket {
      checkPacket(packet);
    }

    @Override
    public FrameType type() {
      return FrameType.FORWARD_PACKET;
    }

    @Override
    public int payloadLength() {
      return 2 * RelayProtocol.KEY_LENGTH + packet.length;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      putKey(out, source);
      putKey(out, destination);
      out.put(packet);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ForwardPacket p && source.equals(p.source) && destination.equals(p.destination)
          && Arrays.equals(packet, p.packet);
    }

    @Override
    public int hashCode() {
      return (source.hashCode() * 31 + destination.hashCode()) * 31 + Arrays.hashCode(packet);
    }

    @Override
    public String toString() {
      return "ForwardPacket[" + source.shortString() + " -> " + destination.shortString() + ", "
          + packet.length + " bytes]";
    }
  }

  record KeepAlive() implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.KEEPALIVE;
    }

    @Override
    public int payloadLength() {
      return 0;
    }

    @Override
    public void writePayload(ByteBuffer out) {}
  }

  /** @param data the 8 opaque bytes, as a long */
  record Ping(long data) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PING;
    }

    @Override
    public int payloadLength() {
      return RelayProtocol.PING_DATA_LENGTH;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.putLong(data);
    }

    @Override
    public String toString() {
      return "Ping[" + HexFormat.of().toHexDigits(data) + "]";
    }
  }

  /** @param data the 8 bytes of the PING being answered, as a long */
  record Pong(long data) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PONG;
    }

    @Override
    public int payloadLength() {
      return RelayProtocol.PING_DATA_LENGTH;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.putLong(data);
    }

    @Override
    public String toString() {
      return "Pong[" + HexFormat.of().toHexDigits(data) + "]";
    }
  }

  record PeerPresent(NodePublicKey peer) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PEER_PRESENT;
    }

    @Override
    public int payloadLength() {
      return RelayProtocol.KEY_LENGTH;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      putKey(out, peer);
    }
  }

  record PeerGone(NodePublicKey peer, PeerGoneReason reason) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PEER_GONE;
    }

    @Override
    public int payloadLength() {
      return RelayProtocol.KEY_LENGTH + 1;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      putKey(out, peer);
      out.put((byte) reason.code());
    }
  }

  /** @param problem what is wrong with the connection; empty means healthy again */
  record Health(String problem) implements RelayFrame {
    public Health {
      checkText(FrameType.HEALTH, problem);
    }

    @Override
    public FrameType type() {
      return FrameType.HEALTH;
    }

    @Override
    public int payloadLength() {
      return utf8Length(problem);
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.put(problem.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * @param reconnectIn how long the relay expects to be away
   * @param tryFor how long the client should keep retrying quickly after that
   */
  record ServerRestarting(Duration reconnectIn, Duration tryFor) implements RelayFrame {
    public ServerRestarting {
      checkUint32Millis("reconnect-in", reconnectIn);
      checkUint32Millis("try-for", tryFor);
    }

    @Override
    public FrameType type() {
      return FrameType.SERVER_RESTARTING;
    }

    @Override
    public int payloadLength() {
      return 8;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.putInt((int) reconnectIn.toMillis()).putInt((int) tryFor.toMillis());
    }
  }

  /** @param detail a human-readable explanation, at most 1024 UTF-8 bytes */
  record Closing(CloseReason reason, String detail) implements RelayFrame {
    public Closing {
      checkText(FrameType.CLOSING, detail);
    }

    @Override
    public FrameType type() {
      return FrameType.CLOSING;
    }

    @Override
    public int payloadLength() {
      return 1 + utf8Length(detail);
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.put((byte) reason.code()).put(detail.getBytes(StandardCharsets.UTF_8));
    }
  }

  record MeshHello(int version, MeshKey meshKey) implements RelayFrame {
    public MeshHello {
      checkVersion(version);
    }

    @Override
    public FrameType type() {
      return FrameType.MESH_HELLO;
    }

    @Override
    public int payloadLength() {
      return 1 + RelayProtocol.KEY_LENGTH;
    }

    @Override
    public void writePayload(ByteBuffer out) {
      out.put((byte) version);
      byte[] k = new byte[RelayProtocol.KEY_LENGTH];
      meshKey.copyTo(k, 0);
      out.put(k);
      Arrays.fill(k, (byte) 0);
    }

    @Override
    public String toString() {
      return "MeshHello[version " + version + ", key redacted]";
    }
  }

  private static void putKey(ByteBuffer out, NodePublicKey key) {
    byte[] k = new byte[RelayProtocol.KEY_LENGTH];
    key.copyTo(k, 0);
    out.put(k);
  }

  private static void checkVersion(int version) {
    if (version < 0 || version > 255) {
      throw new IllegalArgumentException("version " + version + " does not fit one byte");
    }
  }

  private static void checkPacket(byte[] packet) {
    if (packet.length == 0 || packet.length > RelayProtocol.MAX_PACKET) {
      throw new IllegalArgumentException(
          "a packet is 1 to " + RelayProtocol.MAX_PACKET + " bytes, got " + packet.length);
    }
  }

  private static void checkUint32(String what, long value) {
    if (value < 0 || value > 0xffff_ffffL) {
      throw new IllegalArgumentException(what + " " + value + " does not fit 32 bits");
    }
  }

  private static void checkUint32Millis(String what, Duration d) {
    if (d.isNegative() || d.toMillis() > 0xffff_ffffL) {
      throw new IllegalArgumentException(what + " " + d + " is not 0 to 2^32-1 milliseconds");
    }
  }

  private static void checkText(FrameType type, String text) {
    if (utf8Length(text) > RelayProtocol.MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(type + " text is longer than " + RelayProtocol.MAX_TEXT_LENGTH + " bytes");
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
