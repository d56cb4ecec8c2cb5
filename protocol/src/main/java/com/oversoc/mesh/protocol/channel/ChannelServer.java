package com.oversoc.mesh.protocol.channel;

import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import com.oversoc.mesh.protocol.noise.HandshakeState;
import com.oversoc.mesh.protocol.noise.NoiseException;
import com.oversoc.mesh.protocol.noise.NoiseProtocol;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The server side of a channel handshake. Pass the client's record 1 to {@link #onClientHandshake},
 * decide on the client it names, then send what {@link #accept} or {@link #refuse} returns.
 * The client is proven only when its first transport record opens (see {@link ChannelProtocol}).
 * Not thread-safe.
 *
 * @param <C> the client's key type (machine key for control, node key for relay)
 */
public final class ChannelServer<C extends PublicKey> {
  private final ChannelProtocol.Kind kind;
  private final HandshakeState<C> handshake;
  private C client;

  public ChannelServer(ChannelProtocol.Kind kind, PrivateKey<?> serverStatic, Function<byte[], C> clientKeyType,
      SecureRandom random) {
    this.kind = kind;
    this.handshake = HandshakeState.responder(NoiseProtocol.IK, clientKeyType)
        .prologue(kind.prologue())
        .localStatic(serverStatic)
        .random(random)
        .build();
  }

  /** This server's preamble, sent before its first record (and alone when versions differ). */
  public byte[] preamble() {
    return kind.preamble().encode();
  }

  /**
   * Reads the client's record 1.
   *
   * @return the client's static key and its hello
   * @throws ChannelException HANDSHAKE_FAILED if it is malformed or not for this server's key
   */
  public Hello<C> onClientHandshake(byte[] body) throws ChannelException {
    if (client != null) {
      throw new IllegalStateException("record 1 was already read");
    }
    byte[] hello;
    try {
      hello = handshake.readMessage(body);
    } catch (NoiseException e) {
      throw new ChannelException(Reason.HANDSHAKE_FAILED, "the client's first message does not authenticate: "
          + e.getMessage(), e);
    }
    client = handshake.remoteStatic();
    return new Hello<>(client, hello);
  }

  /**
   * Admits the client: returns record 1 to send (after the preamble) and the record layer.
   *
   * @param welcome sent to the client with the acceptance; may be empty
   */
  public Accepted accept(byte[] welcome) throws ChannelException {
    byte[] payload = new byte[1 + welcome.length];
    payload[0] = ChannelProtocol.STATUS_ACCEPTED;
    System.arraycopy(welcome, 0, payload, 1, welcome.length);
    byte[] record = write(payload);
    return new Accepted(record, new RecordCipher(handshake.split()));
  }

  /**
   * Refuses the client with a reason it can read (and only it: the reply is encrypted to it).
   * Returns record 1 to send; the server closes after sending it.
   */
  public byte[] refuse(String reason) throws ChannelException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, ChannelProtocol.MAX_REFUSAL_REASON);
    byte[] payload = new byte[1 + n];
    payload[0] = ChannelProtocol.STATUS_REFUSED;
    System.arraycopy(text, 0, payload, 1, n);
    byte[] record = write(payload);
    handshake.destroy();
    return record;
  }

  private byte[] write(byte[] payload) throws ChannelException {
    if (client == null) {
      throw new IllegalStateException("read the client's record 1 first");
    }
    try {
      return RecordReader.frame(handshake.writeMessage(payload));
    } catch (NoiseException e) {
      throw new ChannelException(Reason.HANDSHAKE_FAILED, e.getMessage(), e);
    }
  }

  /** The client's key and the hello it sent with it (not yet proven live; see the class comment). */
  public record Hello<C extends PublicKey>(C clientKey, byte[] hello) {}

  /** @param record the framed record 1 to send after the preamble */
  public record Accepted(byte[] record, RecordCipher cipher) {}
}
