package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.noise.NoiseException;
import com.oversoc.mesh.protocol.noise.PrecomputedStaticStatic;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One peer's WireGuard session (wireguard-go {@code Peer} with its send, receive and timer
 * paths): the handshake, the three key pair slots, the timers, the cookie generator, and the
 * packets waiting for a session. Pure and single-threaded: every call takes the monotonic time
 * {@code now} and puts what it produces into a {@link PeerOutput}.
 *
 * <p>Send path:
 *
 * <pre>
 *  send(packet) -> staged queue (128, drop oldest) -> flushStaged:
 *      current key pair usable? -- no --> initiate a handshake (if this side may); packets wait
 *                               -- yes -> seal each packet (counter = nonce, padding to 16)
 *                                         -> transmit -> timer hooks -> keepKeyFreshSending
 * </pre>
 *
 * Receive path (the device has checked the message's form and macs and found this peer by index
 * or, for an initiation, by the static key it carried):
 *
 * <pre>
 *  initiation -> timestamp newer? not a flood? -> response sent, key pair in "next"
 *  response   -> initiation in flight? authenticates? -> key pair "current" -> send staged or keepalive
 *  cookie     -> cookie stored for mac2
 *  transport  -> key pair young enough? replay window? tag? -> confirms "next" -> deliver packet
 * </pre>
 */
public final class Peer {
  /** Where the session is, as the actor that wraps a peer names its behaviours. */
  public enum State {
    /** No session and no handshake: sending starts one (if this side may initiate). */
    IDLE,
    /** An initiation is in flight, or a responder's key pair waits for the initiator to use it. */
    HANDSHAKING,
    /** A key pair can send now. */
    ESTABLISHED,
    /** Key pairs are held but too old to send; they are zeroed 3 x REJECT_AFTER_TIME after the last handshake. */
    EXPIRED
  }

  /** A snapshot of a peer's counters. */
  public record Stats(long txBytes, long rxBytes, Optional<Instant> lastHandshake, int handshakeAttempts,
      int stagedPackets, Map<DropReason, Long> drops) {}

  private static final byte[] KEEPALIVE = new byte[0];

  private final PeerConfig config;
  private final SessionContext context;
  private final PrecomputedStaticStatic precomputed;
  private final Handshake.PeerSecrets secrets;
  private final CookieGenerator cookies;
  private final Handshake handshake = new Handshake();
  private final Keypairs keypairs;
  private final Timers timers;
  private final ArrayDeque<byte[]> staged = new ArrayDeque<>();
  private final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
  private long txBytes;
  private long rxBytes;
  private Instant lastHandshake;
  private boolean removed;

  /**
   * @throws KeyFormatException if the peer's key is a low-order point (no session could be
   *     authenticated with it)
   */
  public Peer(PeerConfig config, SessionContext context) {
    this.config = config;
    this.context = context;
    this.precomputed = PrecomputedStaticStatic.compute(context.localKey(), config.publicKey());
    this.secrets = new Handshake.PeerSecrets(config.presharedKey(), precomputed);
    this.cookies = new CookieGenerator(config.publicKey());
    this.keypairs = new Keypairs(this::release);
    this.timers = new Timers(context.random(), config.persistentKeepalive());
  }

  public NodePublicKey publicKey() {
    return config.publicKey();
  }

  /** This node's static key the session runs under (a node that rotated its key has sessions under both for a while). */
  public NodePublicKey localKey() {
    return context.localKey().publicKey();
  }

  public PeerConfig config() {
    return config;
  }

  /** What a responder needs to open this peer's initiations. */
  Handshake.PeerSecrets secrets() {
    return secrets;
  }

  public State state(long now) {
    Keypair current = keypairs.current();
    if (current != null && current.canSend(now)) {
      return State.ESTABLISHED;
    }
    if ((handshake.state() == Handshake.State.INITIATION_CREATED && timers.isArmed(Timers.Name.RETRANSMIT_HANDSHAKE))
        || keypairs.next() != null) {
      return State.HANDSHAKING;
    }
    return keypairs.isEmpty() ? State.IDLE : State.EXPIRED;
  }

  /**
   * When {@link #state} changes next without any input: an established session expires
   * REJECT_AFTER_TIME after its handshake. {@link Timers#NONE} otherwise.
   */
  public long nextStateChange(long now) {
    Keypair current = keypairs.current();
    return current != null && current.canSend(now)
        ? current.createdNanos() + WireGuardSpec.REJECT_AFTER_TIME.toNanos() : Timers.NONE;
  }

  /** The timers, read-only for callers that schedule them. */
  public Timers timers() {
    return timers;
  }

  /** The earliest timer deadline, or {@link Timers#NONE}. */
  public long nextDeadline() {
    return timers.nextDeadline();
  }

  /** The key pair that sends, if any. */
  public Optional<Keypair> currentKeypair() {
    return Optional.ofNullable(keypairs.current());
  }

  public Stats stats() {
    return new Stats(txBytes, rxBytes, Optional.ofNullable(lastHandshake), timers.handshakeAttempts(), staged.size(),
        Map.copyOf(drops));
  }

  // ------------------------------------------------------------------------------------------
  // Send path
  // ------------------------------------------------------------------------------------------

  /**
   * Sends {@code packet} (the peer takes ownership of the array): at once under a usable key pair,
   * else after the handshake this call starts.
   */
  public void send(byte[] packet, long now, PeerOutput out) {
    if (removed) {
      drop(DropReason.FLUSHED, out);
      return;
    }
    if (staged.size() >= WireGuardDefaults.STAGED_PACKETS) {
      staged.pollFirst();
      drop(DropReason.STAGED_OVERFLOW, out);
    }
    staged.addLast(packet);
    flushStaged(now, out);
  }

  /** Sends what is staged, or a keepalive (an empty transport packet) if nothing is. */
  public void sendKeepalive(long now, PeerOutput out) {
    if (removed) {
      return;
    }
    if (staged.isEmpty()) {
      staged.addLast(KEEPALIVE);
    }
    flushStaged(now, out);
  }

  /**
   * Starts a new handshake now (a rekey at will), unless one was sent less than REKEY_TIMEOUT ago
   * or this side may not initiate.
   *
   * @return whether an initiation was sent
   */
  public boolean initiateHandshake(long now, PeerOutput out) {
    return !removed && sendInitiation(now, out, false);
  }

  private void flushStaged(long now, PeerOutput out) {
    Keypair keypair = keypairs.current();
    if (keypair == null || !keypair.canSend(now)) {
      sendInitiation(now, out, false);
      return;
    }
    boolean sentData = false;
    boolean sentAny = false;
    while (!staged.isEmpty()) {
      byte[] packet = staged.peekFirst();
      byte[] datagram;
      try {
        datagram = keypair.seal(packet, 0, packet.length);
      } catch (NoiseException e) {
        // REJECT_AFTER_MESSAGES reached: the rest waits for a new session.
        sendInitiation(now, out, false);
        break;
      }
      staged.pollFirst();
      if (!sentAny) {
        timers.onAnyAuthenticatedPacketTraversal(now);
      }
      transmit(datagram, out);
      sentAny = true;
      sentData |= packet.length > 0;
    }
    if (sentAny) {
      timers.onAnyAuthenticatedPacketSent();
      if (sentData) {
        timers.onDataSent(now);
      }
      keepKeyFreshSending(now, out);
    }
  }

  /** The initiator rekeys after REKEY_AFTER_TIME; either side after REKEY_AFTER_MESSAGES. */
  private void keepKeyFreshSending(long now, PeerOutput out) {
    Keypair keypair = keypairs.current();
    if (keypair == null) {
      return;
    }
    if (Long.compareUnsigned(keypair.sendCounter(), WireGuardSpec.REKEY_AFTER_MESSAGES) > 0
        || (keypair.isInitiator() && now - keypair.createdNanos() > WireGuardSpec.REKEY_AFTER_TIME.toNanos())) {
      sendInitiation(now, out, false);
    }
  }

  /**
   * Sends a new initiation if this side may initiate and none was sent in the last REKEY_TIMEOUT.
   *
   * @param retry whether the retransmit timer asked (else the attempt counter restarts)
   */
  private boolean sendInitiation(long now, PeerOutput out, boolean retry) {
    if (!config.mayInitiate()) {
      return false;
    }
    if (!retry) {
      timers.resetHandshakeAttempts();
    }
    if (handshake.sentRecently(now)) {
      return false;
    }
    abandonHandshake();
    int index = context.indices().allocate(this);
    HandshakeInitiation initiation;
    try {
      initiation = handshake.createInitiation(context.localKey(), config.publicKey(), secrets, index,
          context.random(), context.wallClock().instant(), now);
    } catch (NoiseException e) {
      // Both keys were checked when the peer was made; only a broken invariant gets here.
      context.indices().release(index, this);
      throw new IllegalStateException("could not write a handshake initiation", e);
    }
    cookies.addMacs(initiation, now);
    timers.onAnyAuthenticatedPacketTraversal(now);
    timers.onAnyAuthenticatedPacketSent();
    transmit(initiation.toDatagram(), out);
    timers.onHandshakeInitiated(now);
    out.event(new PeerEvent.HandshakeInitiated(timers.handshakeAttempts()));
    return true;
  }

  private void transmit(byte[] datagram, PeerOutput out) {
    txBytes += datagram.length;
    out.transmit(datagram);
  }

  // ------------------------------------------------------------------------------------------
  // Receive path
  // ------------------------------------------------------------------------------------------

  /**
   * Takes an initiation from this peer that the device opened: checks it against the peer's
   * history and answers with a response. The opened handshake is consumed or discarded.
   */
  public ReceiveResult onInitiation(OpenedInitiation initiation, long now, PeerOutput out) {
    Handshake.OpenedInitiation opened = initiation.state();
    if (removed || !opened.initiator().equals(config.publicKey())) {
      opened.discard();
      return drop(DropReason.UNKNOWN_PEER, out, "the initiation is not from this peer");
    }
    Handshake.Refusal refusal = handshake.check(opened, now);
    if (refusal != null) {
      opened.discard();
      return refusal == Handshake.Refusal.REPLAYED
          ? drop(DropReason.REPLAYED_INITIATION, out, "timestamp " + opened.timestamp() + " is not after the last one")
          : drop(DropReason.INITIATION_FLOOD, out, "another initiation within " + WireGuardSpec.HANDSHAKE_INITIATION_RATE);
    }
    timers.onAnyAuthenticatedPacketTraversal(now);
    timers.onAnyAuthenticatedPacketReceived();

    abandonHandshake();
    int index = context.indices().allocate(this);
    Handshake.Answer answer;
    try {
      answer = handshake.consumeInitiation(opened, index, now);
    } catch (NoiseException e) {
      context.indices().release(index, this);
      return drop(DropReason.HANDSHAKE_FAILED, out, e.getMessage());
    }
    cookies.addMacs(answer.response(), now);
    context.indices().bindKeypair(index, answer.keypair());
    keypairs.installAsResponder(answer.keypair());
    timers.onSessionDerived(now);
    timers.onAnyAuthenticatedPacketTraversal(now);
    timers.onAnyAuthenticatedPacketSent();
    transmit(answer.response().toDatagram(), out);
    return ReceiveResult.INITIATION;
  }

  /** Takes a response addressed to the initiation in flight; the session starts at once. */
  public ReceiveResult onResponse(HandshakeResponse response, long now, PeerOutput out) {
    if (removed || !handshake.isInFlight(response.receiver())) {
      return drop(DropReason.UNEXPECTED_RESPONSE, out,
          "no initiation with index " + Integer.toUnsignedString(response.receiver()) + " is in flight");
    }
    Keypair keypair;
    try {
      keypair = handshake.consumeResponse(response, now);
    } catch (NoiseException e) {
      return drop(DropReason.HANDSHAKE_FAILED, out, e.getMessage());
    }
    context.indices().bindKeypair(keypair.localIndex(), keypair);
    timers.onAnyAuthenticatedPacketTraversal(now);
    timers.onAnyAuthenticatedPacketReceived();
    keypairs.installAsInitiator(keypair);
    timers.onSessionDerived(now);
    timers.onHandshakeComplete();
    lastHandshake = context.wallClock().instant();
    out.event(new PeerEvent.SessionEstablished(true));
    sendKeepalive(now, out);
    return ReceiveResult.RESPONSE;
  }

  /** Takes a cookie reply to the last handshake message sent to this peer. */
  public ReceiveResult onCookieReply(CookieReply reply, long now, PeerOutput out) {
    if (removed || !cookies.consumeReply(reply, now)) {
      return drop(DropReason.INVALID_COOKIE_REPLY, out, "the cookie reply does not open against the last mac1 sent");
    }
    return ReceiveResult.COOKIE;
  }

  /**
   * Takes transport data addressed to {@code keypair} (one of this peer's, found by the receiver
   * index). A datagram that fails any check changes nothing.
   */
  public ReceiveResult onTransportData(Keypair keypair, byte[] datagram, int length, long now, PeerOutput out) {
    if (removed || keypair.isDestroyed()) {
      return drop(DropReason.NO_SESSION, out, "the key pair was released");
    }
    if (keypair.isTooOld(now)) {
      return drop(DropReason.EXPIRED_KEYPAIR, out, "the key pair is older than " + WireGuardSpec.REJECT_AFTER_TIME);
    }
    byte[] packet;
    try {
      packet = keypair.open(datagram, length);
    } catch (NoiseException e) {
      return drop(DropReason.DECRYPT_FAILED, out, e.getMessage());
    }
    if (packet == null) {
      return drop(DropReason.REPLAYED_COUNTER, out,
          "counter " + Long.toUnsignedString(TransportData.counter(datagram)) + " was seen, is behind the window, or is at the limit");
    }
    if (keypairs.confirm(keypair)) {
      timers.onHandshakeComplete();
      lastHandshake = context.wallClock().instant();
      out.event(new PeerEvent.SessionEstablished(false));
      flushStaged(now, out);
    }
    keepKeyFreshReceiving(now, out);
    timers.onAnyAuthenticatedPacketTraversal(now);
    timers.onAnyAuthenticatedPacketReceived();
    rxBytes += length;
    if (packet.length == 0) {
      return ReceiveResult.KEEPALIVE;
    }
    timers.onDataReceived(now);
    out.deliver(packet);
    return ReceiveResult.DATA;
  }

  /**
   * An initiator whose key pair nears REJECT_AFTER_TIME re-handshakes on receipt, once: a peer
   * that only receives would otherwise find its session dead.
   */
  private void keepKeyFreshReceiving(long now, PeerOutput out) {
    if (timers.sentLastMinuteHandshake()) {
      return;
    }
    Keypair keypair = keypairs.current();
    if (keypair == null || !keypair.isInitiator()
        || now - keypair.createdNanos() < WireGuardSpec.REKEY_ON_RECEIVE_AFTER.toNanos()) {
      return;
    }
    timers.markLastMinuteHandshakeSent();
    sendInitiation(now, out, false);
  }

  // ------------------------------------------------------------------------------------------
  // Timers
  // ------------------------------------------------------------------------------------------

  /** Fires every timer that is due at {@code now}. */
  public void poll(long now, PeerOutput out) {
    Timers.Name due;
    while ((due = timers.takeDue(now)) != null) {
      fire(due, now, out);
    }
  }

  /**
   * Fires {@code name} if it is due at {@code now} (a keyed actor timer may arrive after the
   * deadline moved; then nothing happens).
   */
  public void onTimer(Timers.Name name, long now, PeerOutput out) {
    long deadline = timers.deadline(name);
    if (deadline != Timers.NONE && deadline <= now) {
      timers.disarm(name);
      fire(name, now, out);
    }
  }

  private void fire(Timers.Name name, long now, PeerOutput out) {
    switch (name) {
      case RETRANSMIT_HANDSHAKE -> {
        if (timers.handshakeAttempts() > WireGuardSpec.MAX_TIMER_HANDSHAKES) {
          timers.disarm(Timers.Name.SEND_KEEPALIVE);
          flushStagedAs(DropReason.HANDSHAKE_GAVE_UP, out);
          if (!timers.isArmed(Timers.Name.ZERO_KEY_MATERIAL)) {
            timers.arm(Timers.Name.ZERO_KEY_MATERIAL, now + WireGuardSpec.ZERO_KEY_MATERIAL_AFTER.toNanos());
          }
          out.event(new PeerEvent.HandshakeGaveUp(timers.handshakeAttempts() + 1));
        } else {
          timers.countHandshakeAttempt();
          sendInitiation(now, out, true);
        }
      }
      case SEND_KEEPALIVE -> {
        sendKeepalive(now, out);
        if (timers.takeNeedAnotherKeepalive()) {
          timers.arm(Timers.Name.SEND_KEEPALIVE, now + WireGuardSpec.KEEPALIVE_TIMEOUT.toNanos());
        }
      }
      case NEW_HANDSHAKE -> sendInitiation(now, out, false);
      case ZERO_KEY_MATERIAL -> {
        zeroAndFlushAll(out);
        out.event(new PeerEvent.KeyMaterialZeroed());
      }
      case PERSISTENT_KEEPALIVE -> sendKeepalive(now, out);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------

  /** The peer left the map: every key is zeroed, every index freed, waiting packets dropped, timers stopped. */
  public void remove(PeerOutput out) {
    if (removed) {
      return;
    }
    removed = true;
    timers.stop();
    zeroAndFlushAll(out);
    precomputed.destroy();
  }

  public boolean isRemoved() {
    return removed;
  }

  private void zeroAndFlushAll(PeerOutput out) {
    keypairs.clear();
    abandonHandshake();
    flushStagedAs(DropReason.FLUSHED, out);
  }

  private void abandonHandshake() {
    Integer freed = handshake.abandon();
    if (freed != null) {
      context.indices().release(freed, this);
    }
  }

  private void release(Keypair keypair) {
    keypair.destroy();
    context.indices().release(keypair.localIndex(), this);
  }

  private void flushStagedAs(DropReason reason, PeerOutput out) {
    while (!staged.isEmpty()) {
      if (staged.pollFirst().length > 0) {
        drop(reason, out);
      }
    }
  }

  private void drop(DropReason reason, PeerOutput out) {
    drops.merge(reason, 1L, Long::sum);
    out.dropped(reason);
  }

  private ReceiveResult drop(DropReason reason, PeerOutput out, String detail) {
    drop(reason, out);
    return ReceiveResult.drop(reason, detail);
  }

  @Override
  public String toString() {
    return "Peer[" + config.publicKey().shortString() + "]";
  }
}
