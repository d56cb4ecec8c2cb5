package com.oversoc.mesh.protocol.noise;

import com.oversoc.mesh.protocol.key.PresharedKey;
import com.oversoc.mesh.protocol.key.PublicKey;

/**
 * A responder's decision about an initiator, taken the moment its static key is decrypted and
 * before any Diffie-Hellman with that key: refuse an unknown key cheaply, and supply the
 * initiator's preshared key and precomputed {@code ss} secret when the responder has them.
 *
 * @param <P> the type of the remote static key
 */
@FunctionalInterface
public interface RemoteStaticCheck<P extends PublicKey> {
  /** Accepts every key and supplies nothing: for protocols whose responder learns who called afterwards. */
  static <P extends PublicKey> RemoteStaticCheck<P> acceptAny() {
    return key -> Secrets.NONE;
  }

  /**
   * @return what the responder holds for {@code remoteStatic}, or {@link Secrets#NONE}
   * @throws NoiseException with {@link NoiseException.Reason#REMOTE_STATIC_REJECTED} to refuse it
   */
  Secrets check(P remoteStatic) throws NoiseException;

  /**
   * @param presharedKey the initiator's preshared key, or null to use the one given to the builder
   * @param precomputed DH(s, rs) for this initiator, or null to compute it
   */
  record Secrets(PresharedKey presharedKey, PrecomputedStaticStatic precomputed) {
    public static final Secrets NONE = new Secrets(null, null);
  }
}
