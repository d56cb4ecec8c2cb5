package com.oversoc.mesh.protocol.wireguard;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The device's table of its own session indices (wireguard-go {@code IndexTable}): every
 * handshake this device starts or answers gets a fresh random 32-bit index, sent as the
 * "sender" of its message; the other side addresses responses, cookie replies and transport
 * data to it as "receiver". Once the handshake yields a key pair, the same index names the key
 * pair. Random indices keep sessions from being counted or guessed from outside.
 *
 * <p>Thread-safe: the receive path looks indices up while sessions allocate and release them.
 *
 * @param <P> what owns an index (a peer, or its session's handle)
 */
public final class IndexTable<P> {
  /** What an index names: the owning peer, and its key pair once the handshake completed. */
  public record Entry<P>(P peer, Keypair keypair) {
    public Entry {
      Objects.requireNonNull(peer, "peer");
    }

    /** Whether the index names a key pair (transport data may use it), not a handshake in flight. */
    public boolean isKeypair() {
      return keypair != null;
    }
  }

  private final Map<Integer, Entry<P>> entries = new ConcurrentHashMap<>();
  private final RandomGenerator random;

  public IndexTable(RandomGenerator random) {
    this.random = random;
  }

  /** A fresh random index for a handshake of {@code peer}. */
  public int allocate(P peer) {
    Entry<P> entry = new Entry<>(peer, null);
    while (true) {
      int index = random.nextInt();
      if (entries.putIfAbsent(index, entry) == null) {
        return index;
      }
    }
  }

  /** Lets {@code index}, allocated for a handshake, name the key pair the handshake produced. */
  public void bindKeypair(int index, Keypair keypair) {
    entries.computeIfPresent(index, (i, e) -> new Entry<>(e.peer(), keypair));
  }

  /** What {@code index} names, or null. */
  public Entry<P> lookup(int index) {
    return entries.get(index);
  }

  /** Frees {@code index} if {@code peer} still owns it. */
  public void release(int index, P peer) {
    entries.computeIfPresent(index, (i, e) -> e.peer() == peer ? null : e);
  }

  /** Indices in use, for tests and metrics. */
  public int size() {
    return entries.size();
  }
}
