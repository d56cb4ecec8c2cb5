package com.oversoc.mesh.protocol.wireguard;

import java.util.function.Consumer;

/**
 * A peer's three key pair slots (whitepaper section 6.3, wireguard-go {@code Keypairs}), so that a
 * new handshake loses no packet in flight:
 *
 * <ul>
 *   <li>{@code current}: sends, and receives.
 *   <li>{@code previous}: the one before it; still receives what was sent before the switch.
 *   <li>{@code next}: a responder's new key pair, which may not send until the initiator proves it
 *       has it by sending with it ({@link #confirm}); receiving with it promotes it to current.
 * </ul>
 *
 * Key pairs pushed out of every slot are handed to the release callback, which zeros them and frees
 * their index. Not thread-safe: it belongs to its peer's session.
 */
final class Keypairs {
  private final Consumer<Keypair> release;
  private Keypair previous;
  private Keypair current;
  private Keypair next;

  Keypairs(Consumer<Keypair> release) {
    this.release = release;
  }

  Keypair current() {
    return current;
  }

  Keypair previous() {
    return previous;
  }

  Keypair next() {
    return next;
  }

  /** The initiator's new key pair is usable at once: it becomes current. */
  void installAsInitiator(Keypair keypair) {
    Keypair oldPrevious = previous;
    if (next != null) {
      // An unconfirmed responder key pair is abandoned; it still receives as previous.
      previous = next;
      next = null;
      drop(current);
    } else {
      previous = current;
    }
    drop(oldPrevious);
    current = keypair;
  }

  /** The responder's new key pair waits in next until the initiator uses it. */
  void installAsResponder(Keypair keypair) {
    drop(next);
    next = keypair;
    drop(previous);
    previous = null;
  }

  /**
   * Called when a packet authenticated under {@code keypair}: if it is next, the initiator has
   * confirmed it, and it becomes current.
   *
   * @return true if this confirmed the responder's session
   */
  boolean confirm(Keypair keypair) {
    if (next != keypair) {
      return false;
    }
    drop(previous);
    previous = current;
    current = next;
    next = null;
    return true;
  }

  /** Zeros and releases every key pair. */
  void clear() {
    drop(previous);
    drop(current);
    drop(next);
    previous = current = next = null;
  }

  /** Whether any slot holds a key pair. */
  boolean isEmpty() {
    return previous == null && current == null && next == null;
  }

  private void drop(Keypair keypair) {
    if (keypair != null) {
      release.accept(keypair);
    }
  }
}
