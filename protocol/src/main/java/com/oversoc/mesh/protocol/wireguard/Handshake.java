package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.crypto.Tai64n;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.PresharedKey;
import com.oversoc.mesh.protocol.noise.HandshakeState;
import com.oversoc.mesh.protocol.noise.NoiseException;
import com.oversoc.mesh.protocol.noise.NoiseProtocol;
import com.oversoc.mesh.protocol.noise.PrecomputedStaticStatic;
import com.oversoc.mesh.protocol.noise.RemoteStaticCheck;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * One peer's Noise_IKpsk2 handshake with WireGuard's construction (whitepaper section 5.4,
 * wireguard-go {@code noise-protocol.go}), on the generic Noise core: the construction is the
 * Noise protocol name, the identifier is the prologue, the initiation carries a TAI64N timestamp
 * and the response an empty payload. WireGuard's wire layout wraps the Noise messages with the
 * indices and macs.
 *
 * <pre>
 *  ZEROED --createInitiation--> INITIATION_CREATED --consumeResponse--> ZEROED (+ key pair)
 *  ZEROED or INITIATION_CREATED --consumeInitiation--> ZEROED (+ response, + key pair)
 * </pre>
 *
 * The responder side takes an initiation that {@link #openInitiation} already decrypted
 * (device-wide work: it needs only this device's key and the directory of peers), checks its
 * timestamp and rate against this peer's history, and answers at once. Not thread-safe: it
 * belongs to its peer's session.
 */
final class Handshake {
  enum State { ZEROED, INITIATION_CREATED }

  /** What a responder holds for an initiator: its preshared key and the precomputed DH(s, rs). */
  record PeerSecrets(PresharedKey presharedKey, PrecomputedStaticStatic precomputed) {}

  /** Finds the secrets of the peer whose static key an initiation carries; null for a stranger. */
  @FunctionalInterface
  interface Directory {
    PeerSecrets find(NodePublicKey key);
  }

  /**
   * An initiation whose first half has been processed: the initiator's key is known and allowed,
   * the timestamp decrypted. It holds live handshake state; whoever does not hand it to the peer
   * must {@link #discard()} it.
   */
  record OpenedInitiation(NodePublicKey initiator, int sender, Tai64n timestamp, HandshakeState<NodePublicKey> noise) {
    void discard() {
      noise.destroy();
    }
  }

  private State state = State.ZEROED;
  private HandshakeState<NodePublicKey> noise;
  private int localIndex;
  private boolean hasLocalIndex;
  private Tai64n lastTimestamp = Tai64n.ZERO;
  private long lastInitiationConsumedNanos;
  private boolean consumedAny;
  private long lastInitiationSentNanos;
  private boolean sentAny;

  State state() {
    return state;
  }

  /** The index of the initiation in flight (valid in INITIATION_CREATED). */
  int localIndex() {
    return localIndex;
  }

  /** Whether an initiation was sent less than REKEY_TIMEOUT ago, in which case another must wait. */
  boolean sentRecently(long nowNanos) {
    return sentAny && nowNanos - lastInitiationSentNanos < WireGuardSpec.REKEY_TIMEOUT.toNanos();
  }

  /**
   * A new initiation: {@code e, es, s, ss} with the timestamp. The caller has {@link #abandon()}ed
   * the one before, allocated {@code index}, and fills in the macs.
   */
  HandshakeInitiation createInitiation(NodePrivateKey local, NodePublicKey remote, PeerSecrets secrets,
      int index, SecureRandom random, Instant wallNow, long nowNanos) throws NoiseException {
    requireIdle();
    noise = HandshakeState.initiator(NoiseProtocol.IK_PSK2, remote)
        .prologue(WireGuardSpec.IDENTIFIER)
        .localStatic(local)
        .presharedKey(secrets.presharedKey())
        .precomputed(secrets.precomputed())
        .random(random)
        .build();
    byte[] message = noise.writeMessage(Tai64n.of(wallNow).encode());
    state = State.INITIATION_CREATED;
    localIndex = index;
    hasLocalIndex = true;
    lastInitiationSentNanos = nowNanos;
    sentAny = true;
    return HandshakeInitiation.create(index, message);
  }

  /**
   * Reads the first half of an initiation addressed to {@code local}: decrypts the initiator's
   * static key, refuses strangers before the {@code ss} Diffie-Hellman, and decrypts the
   * timestamp. Changes no peer's state.
   *
   * @throws NoiseException REMOTE_STATIC_REJECTED for a key {@code directory} does not know,
   *     DECRYPT_FAILED or INVALID_PUBLIC_KEY for a forged or corrupt message
   */
  static OpenedInitiation openInitiation(HandshakeInitiation m, NodePrivateKey local, Directory directory,
      SecureRandom random) throws NoiseException {
    RemoteStaticCheck<NodePublicKey> check = key -> {
      PeerSecrets s = directory.find(key);
      if (s == null) {
        throw new NoiseException(NoiseException.Reason.REMOTE_STATIC_REJECTED,
            "node key " + key.shortString() + " is not a peer of this node");
      }
      return new RemoteStaticCheck.Secrets(s.presharedKey(), s.precomputed());
    };
    HandshakeState<NodePublicKey> noise = HandshakeState.responder(NoiseProtocol.IK_PSK2, NodePublicKey::new)
        .prologue(WireGuardSpec.IDENTIFIER)
        .localStatic(local)
        .remoteStaticCheck(check)
        .random(random)
        .build();
    try {
      byte[] timestamp = noise.readMessage(m.noiseMessage());
      return new OpenedInitiation(noise.remoteStatic(), m.sender(), Tai64n.decode(timestamp, 0), noise);
    } catch (NoiseException | RuntimeException e) {
      noise.destroy();
      throw e;
    }
  }

  /** Why this peer refused an opened initiation. */
  enum Refusal { REPLAYED, FLOOD }

  /**
   * Whether this peer takes {@code opened}: its timestamp must be later than every one accepted
   * before (a replayed initiation cannot restart a session), and the last one accepted must be
   * more than HANDSHAKE_INITIATION_RATE ago.
   *
   * @return null if accepted, else why not
   */
  Refusal check(OpenedInitiation opened, long nowNanos) {
    if (!opened.timestamp().isAfter(lastTimestamp)) {
      return Refusal.REPLAYED;
    }
    if (consumedAny && nowNanos - lastInitiationConsumedNanos <= WireGuardSpec.HANDSHAKE_INITIATION_RATE.toNanos()) {
      return Refusal.FLOOD;
    }
    return null;
  }

  /**
   * Takes an initiation that passed {@link #check} and writes the response ({@code e, ee, se,
   * psk}, empty payload) with sender {@code index}. The caller has {@link #abandon()}ed an
   * initiation of our own in flight: the peer's wins, as in WireGuard.
   *
   * @return the response (macs still zero) and the responder's key pair
   */
  Answer consumeInitiation(OpenedInitiation opened, int index, long nowNanos) throws NoiseException {
    requireIdle();
    lastTimestamp = opened.timestamp();
    lastInitiationConsumedNanos = nowNanos;
    consumedAny = true;
    HandshakeState<NodePublicKey> hs = opened.noise();
    try {
      byte[] message = hs.writeMessage(new byte[0]);
      Keypair keypair = new Keypair(hs.split(), index, opened.sender(), nowNanos, false);
      return new Answer(HandshakeResponse.create(index, opened.sender(), message), keypair);
    } finally {
      hs.destroy();
    }
  }

  record Answer(HandshakeResponse response, Keypair keypair) {}

  /**
   * Reads the response to the initiation in flight.
   *
   * @return the initiator's key pair
   * @throws NoiseException if the response does not authenticate; the initiation stays in flight
   */
  Keypair consumeResponse(HandshakeResponse m, long nowNanos) throws NoiseException {
    if (state != State.INITIATION_CREATED || m.receiver() != localIndex) {
      throw new IllegalStateException("no initiation with index " + Integer.toUnsignedString(m.receiver()) + " in flight");
    }
    noise.readMessage(m.noiseMessage());
    Keypair keypair = new Keypair(noise.split(), localIndex, m.sender(), nowNanos, true);
    noise = null;
    state = State.ZEROED;
    hasLocalIndex = false;
    return keypair;
  }

  private void requireIdle() {
    if (noise != null || hasLocalIndex) {
      throw new IllegalStateException("abandon() the initiation in flight first");
    }
  }

  /** Whether {@code index} is the initiation in flight. */
  boolean isInFlight(int index) {
    return state == State.INITIATION_CREATED && localIndex == index;
  }

  /**
   * Drops the initiation in flight, if any (its ephemeral key is zeroed).
   *
   * @return its index, which the caller frees, or null
   */
  Integer abandon() {
    Integer freed = null;
    if (noise != null) {
      noise.destroy();
      noise = null;
    }
    if (hasLocalIndex) {
      freed = localIndex;
      hasLocalIndex = false;
    }
    state = State.ZEROED;
    return freed;
  }
}
