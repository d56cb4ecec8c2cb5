package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.crypto.Blake2s;
import com.oversoc.mesh.protocol.crypto.XChaCha20Poly1305;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The sending side of WireGuard's denial-of-service protection, for one peer (wireguard-go
 * {@code CookieGenerator}): writes mac1 (keyed by the peer's public key) into every handshake
 * message sent to it, and mac2 while it holds a cookie the peer gave in the last two minutes.
 * Remembers the last mac1 sent, because a cookie reply is only valid for it.
 *
 * <p>Not thread-safe: it belongs to its peer's session.
 */
public final class CookieGenerator {
  private final byte[] mac1Key;
  private final byte[] cookieKey;
  private final byte[] cookie = new byte[WireGuardSpec.MAC_LENGTH];
  private long cookieSetNanos;
  private boolean hasCookie;
  private final byte[] lastMac1 = new byte[WireGuardSpec.MAC_LENGTH];
  private boolean hasLastMac1;

  /** For messages to the peer whose static public key is {@code remote}. */
  public CookieGenerator(PublicKey remote) {
    byte[] pub = remote.bytes();
    this.mac1Key = Blake2s.hash(WireGuardSpec.LABEL_MAC1, pub);
    this.cookieKey = Blake2s.hash(WireGuardSpec.LABEL_COOKIE, pub);
  }

  /** Fills in mac1, and mac2 if a fresh cookie is held (zeros otherwise). */
  void addMacs(HandshakeMessage m, long nowNanos) {
    byte[] mac1 = Blake2s.mac(mac1Key, WireGuardSpec.MAC_LENGTH, m.bytes, 0, m.mac1Offset());
    System.arraycopy(mac1, 0, m.bytes, m.mac1Offset(), WireGuardSpec.MAC_LENGTH);
    System.arraycopy(mac1, 0, lastMac1, 0, WireGuardSpec.MAC_LENGTH);
    hasLastMac1 = true;
    if (hasCookie && nowNanos - cookieSetNanos <= WireGuardSpec.COOKIE_REFRESH_TIME.toNanos()) {
      byte[] mac2 = Blake2s.mac(cookie, WireGuardSpec.MAC_LENGTH, m.bytes, 0, m.mac2Offset());
      System.arraycopy(mac2, 0, m.bytes, m.mac2Offset(), WireGuardSpec.MAC_LENGTH);
    } else {
      Arrays.fill(m.bytes, m.mac2Offset(), m.bytes.length, (byte) 0);
    }
  }

  /**
   * Takes the cookie out of a reply to the last message sent. False (and nothing changes) if no
   * message was sent yet or the reply does not decrypt: a forged reply or one to an older message.
   */
  boolean consumeReply(CookieReply reply, long nowNanos) {
    if (!hasLastMac1) {
      return false;
    }
    byte[] opened;
    try {
      opened = XChaCha20Poly1305.open(cookieKey, reply.nonce(), lastMac1, reply.sealedCookie());
    } catch (AEADBadTagException e) {
      return false;
    }
    System.arraycopy(opened, 0, cookie, 0, WireGuardSpec.MAC_LENGTH);
    Arrays.fill(opened, (byte) 0);
    cookieSetNanos = nowNanos;
    hasCookie = true;
    return true;
  }

  /** Whether mac2 would be filled in now. */
  boolean hasFreshCookie(long nowNanos) {
    return hasCookie && nowNanos - cookieSetNanos <= WireGuardSpec.COOKIE_REFRESH_TIME.toNanos();
  }
}
