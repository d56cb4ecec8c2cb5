package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.noise.CipherState;
import com.oversoc.mesh.protocol.noise.NoiseException;
import com.oversoc.mesh.protocol.noise.TransportCiphers;

/**
 * One session's keys (wireguard-go {@code Keypair}): the two transport ciphers a handshake
 * derived, the index each side gave it, when it was made, which side initiated, and the replay
 * window of its receiver. Transport data is sealed and opened here, in place in the datagram.
 *
 * <p>Not thread-safe: a key pair belongs to its peer's session.
 */
public final class Keypair {
  private final CipherState sender;
  private final CipherState receiver;
  private final ReplayWindow replay = new ReplayWindow();
  private final int localIndex;
  private final int remoteIndex;
  private final long createdNanos;
  private final boolean initiator;
  private boolean destroyed;

  Keypair(TransportCiphers ciphers, int localIndex, int remoteIndex, long createdNanos, boolean initiator) {
    this.sender = ciphers.sender();
    this.receiver = ciphers.receiver();
    sender.limitMessages(WireGuardSpec.REJECT_AFTER_MESSAGES);
    receiver.limitMessages(WireGuardSpec.REJECT_AFTER_MESSAGES);
    this.localIndex = localIndex;
    this.remoteIndex = remoteIndex;
    this.createdNanos = createdNanos;
    this.initiator = initiator;
  }

  /** The index this side gave the session: the receiver index of what the peer sends. */
  public int localIndex() {
    return localIndex;
  }

  /** The index the peer gave the session: the receiver index of what this side sends. */
  public int remoteIndex() {
    return remoteIndex;
  }

  /** Whether this side sent the initiation that made the session (only the initiator rekeys by time). */
  public boolean isInitiator() {
    return initiator;
  }

  public long createdNanos() {
    return createdNanos;
  }

  /** The counter the next sealed packet gets (unsigned). */
  public long sendCounter() {
    return sender.nonce();
  }

  /**
   * Moves the send counter forward, so that tests reach the message limits without sending 2^60
   * packets. Never backwards: a counter is never reused.
   */
  void skipSendCounterForTesting(long counter) {
    if (Long.compareUnsigned(counter, sender.nonce()) < 0) {
      throw new IllegalArgumentException("a send counter never goes backwards");
    }
    sender.setNonce(counter);
  }

  /** Whether this key pair may still send at {@code nowNanos}: younger than REJECT_AFTER_TIME and counters left. */
  boolean canSend(long nowNanos) {
    return !destroyed && !isTooOld(nowNanos)
        && Long.compareUnsigned(sender.nonce(), WireGuardSpec.REJECT_AFTER_MESSAGES) < 0;
  }

  /** Whether {@link WireGuardSpec#REJECT_AFTER_TIME} has passed since the handshake. */
  boolean isTooOld(long nowNanos) {
    return nowNanos - createdNanos >= WireGuardSpec.REJECT_AFTER_TIME.toNanos();
  }

  /**
   * Seals {@code packet[offset..offset+length)} into a new transport data datagram, padded to 16
   * bytes.
   *
   * @throws NoiseException NONCE_EXHAUSTED once REJECT_AFTER_MESSAGES packets were sent
   */
  byte[] seal(byte[] packet, int offset, int length) throws NoiseException {
    int padded = length + TransportData.paddingFor(length);
    byte[] datagram = new byte[TransportData.OVERHEAD + padded];
    System.arraycopy(packet, offset, datagram, TransportData.HEADER_LENGTH, length);
    TransportData.writeHeader(datagram, remoteIndex, sender.nonce());
    sender.encrypt(null, datagram, TransportData.HEADER_LENGTH, padded, datagram, TransportData.HEADER_LENGTH);
    return datagram;
  }

  /**
   * Opens transport data addressed to this key pair: replay pre-check, tag check, then the
   * counter is recorded. A datagram that fails changes nothing.
   *
   * @return the plaintext (with the sender's padding; empty for a keepalive), or null if the
   *     counter was replayed, is too old for the window, or is at the message limit
   * @throws NoiseException DECRYPT_FAILED if the tag does not verify
   */
  byte[] open(byte[] datagram, int length) throws NoiseException {
    long counter = TransportData.counter(datagram);
    if (!replay.mayAccept(counter, WireGuardSpec.REJECT_AFTER_MESSAGES)) {
      return null;
    }
    byte[] plaintext = new byte[length - TransportData.OVERHEAD];
    receiver.decryptWithNonce(counter, null, datagram, TransportData.HEADER_LENGTH,
        length - TransportData.HEADER_LENGTH, plaintext, 0);
    return replay.accept(counter, WireGuardSpec.REJECT_AFTER_MESSAGES) ? plaintext : null;
  }

  /** Zeros both keys; the key pair can neither send nor receive afterwards. */
  void destroy() {
    destroyed = true;
    sender.destroy();
    receiver.destroy();
  }

  boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "Keypair[local " + Integer.toUnsignedString(localIndex) + ", remote " + Integer.toUnsignedString(remoteIndex)
        + (initiator ? ", initiator" : ", responder") + (destroyed ? ", destroyed" : "") + "]";
  }
}
