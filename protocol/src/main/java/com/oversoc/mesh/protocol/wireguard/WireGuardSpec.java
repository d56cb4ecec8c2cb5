package com.oversoc.mesh.protocol.wireguard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Constants of the WireGuard specification (whitepaper sections 5.4 and 6): values a peer must
 * share with every other WireGuard implementation. Implementation choices live in
 * {@link WireGuardDefaults}.
 */
public final class WireGuardSpec {
  private WireGuardSpec() {}

  /** The Noise protocol name, the handshake's first hash input. */
  public static final String CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
  /** Mixed into the hash after the construction, as the Noise prologue. */
  public static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
  /** Label of the key of mac1: {@code Hash(LABEL_MAC1 || responder's static public key)}. */
  public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
  /** Label of the key that encrypts cookies: {@code Hash(LABEL_COOKIE || static public key)}. */
  public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

  /** Start a new handshake after a key pair has sent this many messages. */
  public static final long REKEY_AFTER_MESSAGES = 1L << 60;
  /** 2^64 - 2^13 - 1 (unsigned): no message is sent or accepted with a counter at or above it. */
  public static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13);
  /** The initiator of a session starts a new handshake when its key pair is this old and it sends. */
  public static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);
  /** A key pair this old is neither used to send nor accepted on receipt. */
  public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
  /** Handshake initiations are retried for this long before packets waiting for a session are dropped. */
  public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
  /** Wait this long (plus jitter) for a response before retrying an initiation; also the minimum gap between initiations. */
  public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
  /** A keepalive follows received data this long after it if nothing else was sent. */
  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
  /** How long a cookie secret (responder) and a received cookie (initiator) stay valid. */
  public static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);
  /** Every key pair and handshake of a peer is zeroed when no new session was made for this long (3 x REJECT_AFTER_TIME). */
  public static final Duration ZERO_KEY_MATERIAL_AFTER = REJECT_AFTER_TIME.multipliedBy(3);
  /** Retransmissions after the first initiation before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT - 1, as wireguard-go. */
  public static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME.toSeconds() / REKEY_TIMEOUT.toSeconds()) - 1;
  /** An initiator re-handshakes on receipt once its key pair is this old: REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT. */
  public static final Duration REKEY_ON_RECEIVE_AFTER = REJECT_AFTER_TIME.minus(KEEPALIVE_TIMEOUT).minus(REKEY_TIMEOUT);
  /** A responder accepts at most one initiation per peer in this interval (wireguard-go: 1 s / 50). */
  public static final Duration HANDSHAKE_INITIATION_RATE = Duration.ofMillis(20);

  /** Transport data payloads are padded with zeros to a multiple of this. */
  public static final int PADDING_MULTIPLE = 16;
  /** Length of a Poly1305 tag. */
  public static final int TAG_LENGTH = 16;
  /** Length of mac1, mac2 and a cookie. */
  public static final int MAC_LENGTH = 16;
}
