package com.oversoc.mesh.protocol.channel;

import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import com.oversoc.mesh.protocol.noise.HandshakeState;
import com.oversoc.mesh.protocol.noise.NoiseException;
import com.oversoc.mesh.protocol.noise.NoiseProtocol;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The client side of a channel handshake: it pins the server's static key and proves its own.
 * Call {@link #start} once, send what it returns, then pass the server's first record to
 * {@link #onServerHandshake}. Not thread-safe.
 *
 * @param <S> the server's key type (coordinator or relay)
 */
public final class ChannelClient<S extends PublicKey> {
  private final ChannelProtocol.Kind kind;
  private final HandshakeState<S> handshake;
  private boolean started;

  public ChannelClient(ChannelProtocol.Kind kind, PrivateKey<?> clientStatic, S serverStatic, SecureRandom random) {
    this.kind = kind;
    this.handshake = HandshakeState.initiator(NoiseProtocol.IK, serverStatic)
        .prologue(kind.prologue())
        .localStatic(clientStatic)
        .random(random)
        .build();
  }

  /**
   * The bytes to send first: the preamble, then record 1 (Noise message 1 carrying {@code hello},
   * which only the pinned server can read).
   */
  public byte[] start(byte[] hello) throws ChannelException {
    if (started) {
      throw new IllegalStateException("start() is called once");
    }
    started = true;
    byte[] message;
    try {
      message = handshake.writeMessage(hello);
    } catch (NoiseException e) {
      throw new ChannelException(Reason.HANDSHAKE_FAILED, e.getMessage(), e);
    }
    byte[] record = RecordReader.frame(message);
    byte[] out = new byte[ChannelProtocol.PREAMBLE_LENGTH + record.length];
    kind.preamble().writeTo(out, 0);
    System.arraycopy(record, 0, out, ChannelProtocol.PREAMBLE_LENGTH, record.length);
    return out;
  }

  /**
   * Completes the handshake with the server's record 1.
   *
   * @return the established channel; its first sealed record (even an empty one) confirms our keys
   * @throws ChannelException HANDSHAKE_FAILED if the record is not from the pinned server,
   *     REFUSED with the server's reason if it refused us
   */
  public Established onServerHandshake(byte[] body) throws ChannelException {
    if (!started) {
      throw new IllegalStateException("start() first");
    }
    byte[] payload;
    try {
      payload = handshake.readMessage(body);
    } catch (NoiseException e) {
      throw new ChannelException(Reason.HANDSHAKE_FAILED,
          "the server's reply does not authenticate (not the pinned " + kind.name() + " server?): "
              + e.getMessage(), e);
    }
    if (payload.length == 0) {
      throw new ChannelException(Reason.HANDSHAKE_FAILED, "the server's reply has no status");
    }
    int status = payload[0] & 0xff;
    byte[] rest = Arrays.copyOfRange(payload, 1, payload.length);
    if (status == ChannelProtocol.STATUS_REFUSED) {
      handshake.destroy();
      throw new ChannelException(Reason.REFUSED, new String(rest, StandardCharsets.UTF_8));
    }
    if (status != ChannelProtocol.STATUS_ACCEPTED) {
      throw new ChannelException(Reason.HANDSHAKE_FAILED, "unknown handshake status " + status);
    }
    return new Established(new RecordCipher(handshake.split()), rest);
  }

  /**
   * @param cipher the record layer
   * @param welcome what the server sent with its acceptance (may be empty)
   */
  public record Established(RecordCipher cipher, byte[] welcome) {}
}
