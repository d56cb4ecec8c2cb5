package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.noise.NoiseException;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The device-wide half of answering an initiation (after the {@link HandshakeIntake} let it in):
 * decrypt the initiator's static key with this node's key, refuse a key that is not a current
 * peer before the {@code ss} Diffie-Hellman, and decrypt the timestamp. The peer's own session
 * then checks the timestamp against its history and answers ({@link Peer#onInitiation}).
 *
 * <p>Thread-safe if {@code peers} is: it reads only the peers' immutable secrets.
 */
public final class InitiationOpener {
  private final NodePrivateKey local;
  private final Function<NodePublicKey, Peer> peers;
  private final SecureRandom random;

  /** @param peers the current peer for a static key, or null */
  public InitiationOpener(NodePrivateKey local, Function<NodePublicKey, Peer> peers, SecureRandom random) {
    this.local = local;
    this.peers = peers;
    this.random = random;
  }

  /** The public half of the key this opener answers with. */
  public NodePublicKey localKey() {
    return local.publicKey();
  }

  /**
   * @return the opened initiation, or a drop: UNKNOWN_PEER for a static key that is not a peer,
   *     HANDSHAKE_FAILED for one that does not authenticate
   */
  public Result open(HandshakeInitiation m) {
    try {
      Handshake.OpenedInitiation opened = Handshake.openInitiation(m, local, key -> {
        Peer p = peers.apply(key);
        return p == null || p.isRemoved() ? null : p.secrets();
      }, random);
      return new Opened(new OpenedInitiation(opened));
    } catch (NoiseException e) {
      return new Failed(e.reason() == NoiseException.Reason.REMOTE_STATIC_REJECTED
          ? ReceiveResult.drop(DropReason.UNKNOWN_PEER, e.getMessage())
          : ReceiveResult.drop(DropReason.HANDSHAKE_FAILED, e.getMessage()));
    }
  }

  public sealed interface Result {}

  public record Opened(OpenedInitiation initiation) implements Result {}

  public record Failed(ReceiveResult.Dropped drop) implements Result {}
}
