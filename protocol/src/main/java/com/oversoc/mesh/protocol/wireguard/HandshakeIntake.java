package com.oversoc.mesh.protocol.wireguard;

import java.util.Objects;

/**
 * The gate every handshake message passes before any Diffie-Hellman work (wireguard-go's
 * handshake routine, first half): mac1 must match this device's key; under load, mac2 must
 * prove the source's address (otherwise it gets a cookie reply and nothing else), and the source
 * must be within its rate.
 *
 * <p>Not thread-safe: one handshake worker owns an intake (the cookie checker inside may be
 * shared).
 *
 * @param <A> the paths' address type
 */
public final class HandshakeIntake<A> {
  /** What to do with a handshake message. */
  public sealed interface Verdict {}

  /** Go on: open the initiation, or hand the response to its peer. */
  public record Admit() implements Verdict {}

  /** Drop it, changing nothing. */
  public record Refuse(ReceiveResult.Dropped drop) implements Verdict {}

  /** Send this cookie reply back to the source, and drop the message. */
  public record Challenge(CookieReply reply) implements Verdict {}

  private static final Admit ADMIT = new Admit();

  private final CookieChecker cookies;
  private final SourceAddress<A> addresses;
  private final LoadMonitor load;
  private final SourceRateLimiter limiter = new SourceRateLimiter();

  public HandshakeIntake(CookieChecker cookies, SourceAddress<A> addresses, LoadMonitor load) {
    this.cookies = Objects.requireNonNull(cookies, "cookies");
    this.addresses = Objects.requireNonNull(addresses, "addresses");
    this.load = Objects.requireNonNull(load, "load");
  }

  /** Whether the message's mac1 is for this intake's key: the one cheap check that tells a node's keys apart. */
  public boolean addressedHere(HandshakeMessage m) {
    return cookies.checkMac1(m);
  }

  /**
   * @param backlog handshake messages waiting behind this one (the load signal)
   */
  public Verdict admit(HandshakeMessage m, A source, int backlog, long now) {
    if (!addressedHere(m)) {
      return new Refuse(ReceiveResult.drop(DropReason.INVALID_MAC1, "mac1 does not match this node's public key"));
    }
    return admitAddressed(m, source, backlog, now);
  }

  /**
   * As {@link #admit}, for a message whose mac1 {@link #addressedHere} already accepted (a device
   * with two keys finds the right intake that way, and need not hash the message twice).
   */
  public Verdict admitAddressed(HandshakeMessage m, A source, int backlog, long now) {
    if (load.isUnderLoad(backlog, now)) {
      if (!cookies.checkMac2(m, addresses.cookieBytes(source), now)) {
        return new Challenge(cookies.createReply(m, addresses.cookieBytes(source), now));
      }
      if (!limiter.allow(addresses.rateLimitKey(source), now)) {
        return new Refuse(ReceiveResult.drop(DropReason.RATE_LIMITED, "too many handshake messages from this source"));
      }
    }
    return ADMIT;
  }
}
