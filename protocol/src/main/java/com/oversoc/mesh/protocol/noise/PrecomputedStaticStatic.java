package com.oversoc.mesh.protocol.noise;

import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.util.Arrays;

/**
 * DH(s, rs) for one fixed pair of static keys, computed once and reused by every handshake
 * between them (the {@code ss} token), which saves one X25519 per handshake on each side.
 * WireGuard keeps one per peer. Holds secret material: zero it with {@link #destroy()} when the
 * peer goes away.
 */
public final class PrecomputedStaticStatic {
  private final PublicKey localPublic;
  private final PublicKey remotePublic;
  private final byte[] secret = new byte[HandshakeState.DH_LENGTH];

  private PrecomputedStaticStatic(PublicKey localPublic, PublicKey remotePublic) {
    this.localPublic = localPublic;
    this.remotePublic = remotePublic;
  }

  /**
   * Computes DH({@code local}, {@code remote}).
   *
   * @throws KeyFormatException if {@code remote} is a low-order point
   */
  public static PrecomputedStaticStatic compute(PrivateKey<?> local, PublicKey remote) {
    PrecomputedStaticStatic p = new PrecomputedStaticStatic(local.publicKey(), remote);
    local.agree(remote, p.secret, 0);
    return p;
  }

  /** Whether this value is DH of {@code local}'s private half and {@code remote}. */
  boolean isFor(PublicKey local, PublicKey remote) {
    return localPublic.equals(local) && remotePublic.equals(remote);
  }

  void copyTo(byte[] out) {
    System.arraycopy(secret, 0, out, 0, secret.length);
  }

  /** Zeros the secret. */
  public void destroy() {
    Arrays.fill(secret, (byte) 0);
  }

  @Override
  public String toString() {
    return "PrecomputedStaticStatic[redacted, remote " + remotePublic.shortString() + "]";
  }
}
