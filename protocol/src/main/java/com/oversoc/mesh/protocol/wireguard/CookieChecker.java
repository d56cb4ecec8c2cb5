package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.crypto.Blake2s;
import com.oversoc.mesh.protocol.crypto.XChaCha20Poly1305;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The receiving side of WireGuard's denial-of-service protection, for this device's own static
 * key (whitepaper section 5.4.4, wireguard-go {@code CookieChecker}).
 *
 * <ul>
 *   <li>mac1 proves the sender knows our public key; it is checked on every handshake message
 *       before any Diffie-Hellman work, so a scanner costs us one BLAKE2s.
 *   <li>Under load, mac2 proves the sender can receive at its source address: it is
 *       {@code Mac(cookie, message)} with {@code cookie = Mac(secret, source)}, and a sender
 *       without a valid one gets a {@link CookieReply} instead of a handshake.
 *   <li>The secret is random and replaced every {@link WireGuardSpec#COOKIE_REFRESH_TIME}, so a
 *       cookie is worth two minutes at most.
 * </ul>
 *
 * Thread-safe: a device's handshake workers share one checker.
 */
public final class CookieChecker {
  private final byte[] mac1Key;
  private final byte[] cookieKey;
  private final SecureRandom random;
  private final byte[] secret = new byte[Blake2s.HASH_LENGTH];
  private long secretSetNanos;
  private boolean hasSecret;

  /** For the device whose static public key is {@code local}. */
  public CookieChecker(PublicKey local, SecureRandom random) {
    byte[] pub = local.bytes();
    this.mac1Key = Blake2s.hash(WireGuardSpec.LABEL_MAC1, pub);
    this.cookieKey = Blake2s.hash(WireGuardSpec.LABEL_COOKIE, pub);
    this.random = random;
  }

  /** Whether mac1 is right: the sender addressed this device's public key. Constant time. */
  public boolean checkMac1(HandshakeMessage m) {
    byte[] expected = Blake2s.mac(mac1Key, WireGuardSpec.MAC_LENGTH, m.bytes, 0, m.mac1Offset());
    return MessageDigest.isEqual(expected, m.mac1());
  }

  /**
   * Whether mac2 is right for a message from {@code source}: the sender holds a cookie this
   * device gave that source within the last two minutes. Constant time.
   *
   * @param source the bytes that identify the source address (IP and port)
   */
  public synchronized boolean checkMac2(HandshakeMessage m, byte[] source, long nowNanos) {
    if (!hasSecret || nowNanos - secretSetNanos > WireGuardSpec.COOKIE_REFRESH_TIME.toNanos()) {
      return false;
    }
    byte[] cookie = Blake2s.mac(secret, WireGuardSpec.MAC_LENGTH, source, 0, source.length);
    byte[] expected = Blake2s.mac(cookie, WireGuardSpec.MAC_LENGTH, m.bytes, 0, m.mac2Offset());
    Arrays.fill(cookie, (byte) 0);
    return MessageDigest.isEqual(expected, m.mac2());
  }

  /**
   * The cookie reply for a message from {@code source}, sealed to its sender and bound to its
   * mac1. Replaces the secret first if it is older than {@link WireGuardSpec#COOKIE_REFRESH_TIME}.
   */
  public CookieReply createReply(HandshakeMessage m, byte[] source, long nowNanos) {
    byte[] cookie;
    synchronized (this) {
      if (!hasSecret || nowNanos - secretSetNanos > WireGuardSpec.COOKIE_REFRESH_TIME.toNanos()) {
        random.nextBytes(secret);
        secretSetNanos = nowNanos;
        hasSecret = true;
      }
      cookie = Blake2s.mac(secret, WireGuardSpec.MAC_LENGTH, source, 0, source.length);
    }
    byte[] nonce = new byte[CookieReply.NONCE_LENGTH];
    random.nextBytes(nonce);
    byte[] sealed = XChaCha20Poly1305.seal(cookieKey, nonce, m.mac1(), cookie);
    Arrays.fill(cookie, (byte) 0);
    return CookieReply.create(m.sender(), nonce, sealed);
  }
}
