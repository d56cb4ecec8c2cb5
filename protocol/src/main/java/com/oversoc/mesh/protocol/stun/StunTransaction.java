package com.oversoc.mesh.protocol.stun;

import java.time.Duration;
import java.util.Optional;

/**
 * One Binding transaction of a STUN client over UDP (RFC 8489 section 6.2.1): send, retransmit
 * after RTO, 2*RTO, 4*RTO ... up to Rc requests, then wait Rm*RTO for a last answer. Pure: the
 * caller sends the datagrams this returns, feeds back what arrives, and calls {@link #onTick} at
 * {@link #nextTickNanos()}. With the defaults the requests go out at 0, 0.5, 1.5, 3.5, 7.5, 15.5
 * and 31.5 s and the transaction gives up at 39.5 s. Not thread-safe.
 */
public final class StunTransaction {
  /** Where the transaction stands. */
  public sealed interface Outcome {}

  /** Still waiting for an answer. */
  public record Pending() implements Outcome {}

  /**
   * The server saw the request come from {@code mapped}.
   *
   * @param rtt round-trip time when it is unambiguous (the request was never retransmitted, as
   *     Karn's algorithm requires); empty otherwise
   */
  public record Succeeded(TransportAddress mapped, Optional<Duration> rtt) implements Outcome {}

  /** The server answered with an error, or with a success that holds no mapped address. */
  public record Failed(String reason) implements Outcome {}

  /** No answer within the whole schedule. */
  public record TimedOut(int requestsSent) implements Outcome {}

  private final TransactionId id;
  private final byte[] request;
  private final long rtoNanos;
  private final int maxRequests;
  private final int finalWaitRtos;

  private Outcome outcome = new Pending();
  private int sent;
  private long firstSentNanos;
  private long nextTickNanos;
  private long currentIntervalNanos;

  /** A transaction with the RFC's defaults (RTO 500 ms, Rc 7, Rm 16). */
  public StunTransaction(TransactionId id) {
    this(id, StunProtocol.DEFAULT_RTO, StunProtocol.DEFAULT_MAX_REQUESTS, StunProtocol.DEFAULT_FINAL_WAIT_RTOS);
  }

  /**
   * @param rto initial retransmission timeout (a path of known latency, such as a netcheck
   *     probe to a nearby relay, may use less than the RFC's 500 ms)
   * @param maxRequests Rc, requests in total
   * @param finalWaitRtos Rm, how many RTOs to wait after the last request
   */
  public StunTransaction(TransactionId id, Duration rto, int maxRequests, int finalWaitRtos) {
    if (rto.isNegative() || rto.isZero() || maxRequests < 1 || finalWaitRtos < 1) {
      throw new IllegalArgumentException("rto > 0, maxRequests >= 1 and finalWaitRtos >= 1 are required");
    }
    this.id = id;
    this.request = StunCodec.encode(StunMessage.bindingRequest(id));
    this.rtoNanos = rto.toNanos();
    this.maxRequests = maxRequests;
    this.finalWaitRtos = finalWaitRtos;
  }

  public TransactionId id() {
    return id;
  }

  /** The first request; call once, then send it. */
  public byte[] start(long nowNanos) {
    if (sent != 0) {
      throw new IllegalStateException("transaction " + id + " already started");
    }
    sent = 1;
    firstSentNanos = nowNanos;
    currentIntervalNanos = rtoNanos;
    nextTickNanos = nowNanos + (maxRequests == 1 ? rtoNanos * finalWaitRtos : rtoNanos);
    return request.clone();
  }

  /** When {@link #onTick} should next be called; meaningless once the outcome is final. */
  public long nextTickNanos() {
    return nextTickNanos;
  }

  /**
   * Advances the schedule: returns a retransmission to send if one is due, and ends the
   * transaction with {@link TimedOut} once the final wait has passed.
   */
  public Optional<byte[]> onTick(long nowNanos) {
    if (!(outcome instanceof Pending) || sent == 0 || nowNanos < nextTickNanos) {
      return Optional.empty();
    }
    if (sent >= maxRequests) {
      outcome = new TimedOut(sent);
      return Optional.empty();
    }
    sent++;
    currentIntervalNanos *= 2;
    nextTickNanos = sent == maxRequests ? nowNanos + rtoNanos * finalWaitRtos : nowNanos + currentIntervalNanos;
    return Optional.of(request.clone());
  }

  /**
   * Offers a received datagram. Returns false (and changes nothing) if it is not a response to
   * this transaction, so one socket can run several transactions and other protocols.
   */
  public boolean onDatagram(byte[] datagram, int length, long nowNanos) {
    if (!(outcome instanceof Pending) || sent == 0 || !StunCodec.looksLikeStun(datagram, length)) {
      return false;
    }
    StunMessage m;
    try {
      m = StunCodec.decode(datagram, length);
    } catch (StunFormatException e) {
      return false;
    }
    if (!m.transactionId().equals(id) || !m.isBinding()
        || (m.messageClass() != StunClass.SUCCESS_RESPONSE && m.messageClass() != StunClass.ERROR_RESPONSE)) {
      return false;
    }
    if (m.messageClass() == StunClass.ERROR_RESPONSE) {
      outcome = new Failed(m.first(StunAttribute.ErrorCode.class)
          .map(e -> "error " + e.code() + " " + e.reason()).orElse("error response without ERROR-CODE"));
    } else {
      Optional<Duration> rtt = sent == 1 ? Optional.of(Duration.ofNanos(nowNanos - firstSentNanos)) : Optional.empty();
      outcome = m.mappedAddress().<Outcome>map(a -> new Succeeded(a, rtt))
          .orElse(new Failed("success response without XOR-MAPPED-ADDRESS or MAPPED-ADDRESS"));
    }
    return true;
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean isDone() {
    return !(outcome instanceof Pending);
  }
}
