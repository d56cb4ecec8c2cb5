package com.oversoc.mesh.protocol.noise;

import com.oversoc.mesh.protocol.key.EphemeralPrivateKey;
import com.oversoc.mesh.protocol.key.EphemeralPublicKey;
import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.PresharedKey;
import com.oversoc.mesh.protocol.key.PrivateKey;
import com.oversoc.mesh.protocol.key.PublicKey;
import com.oversoc.mesh.protocol.noise.NoiseProtocol.Token;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * A Noise HandshakeState (specification section 5.3) for one side of one handshake: it writes
 * and reads the handshake messages of its {@link NoiseProtocol} in turn, then {@link #split()}s
 * into the two transport {@link CipherState}s. One instance serves one handshake attempt. A
 * message that fails to read changes nothing (see {@link #readMessage}); a failed write, or
 * {@link #destroy()}, ends the attempt.
 *
 * <p>An IK initiator (who knows the responder's static key) and responder:
 *
 * <pre>{@code
 * HandshakeState<CoordinatorPublicKey> i = HandshakeState.initiator(NoiseProtocol.IK, coordinatorKey)
 *     .prologue(PROLOGUE).localStatic(machineKey).random(random).build();
 * byte[] m1 = i.writeMessage(helloPayload);
 *
 * HandshakeState<MachinePublicKey> r = HandshakeState.responder(NoiseProtocol.IK, MachinePublicKey::new)
 *     .prologue(PROLOGUE).localStatic(coordinatorPrivateKey).random(random).build();
 * byte[] hello = r.readMessage(m1);           // r.remoteStatic() now names the caller
 * byte[] m2 = r.writeMessage(welcomePayload);
 * byte[] welcome = i.readMessage(m2);         // both sides are complete
 * TransportCiphers t = i.split();             // t.sender() and t.receiver() carry the channel
 * }</pre>
 *
 * <p>Not thread-safe; a handshake is driven by one thread at a time.
 *
 * @param <P> the type of the remote party's static key
 */
public final class HandshakeState<P extends PublicKey> {
  /** Length of an X25519 public key and of a DH result. */
  public static final int DH_LENGTH = 32;
  /** Noise messages are at most 65535 bytes (specification section 3). */
  public static final int MAX_MESSAGE_LENGTH = 65535;

  private enum Status { IN_PROGRESS, COMPLETE, SPLIT, FAILED }

  private final NoiseProtocol protocol;
  private final boolean initiator;
  private final SymmetricState symmetric;
  private final PrivateKey<?> localStatic;
  private final Function<byte[], P> remoteStaticType;
  private final RemoteStaticCheck<P> remoteStaticCheck;
  private final SecureRandom random;
  private EphemeralPrivateKey fixedEphemeral;
  private EphemeralPrivateKey localEphemeral;
  private EphemeralPublicKey remoteEphemeral;
  private P remoteStatic;
  private PresharedKey presharedKey;
  private PrecomputedStaticStatic precomputed;
  private int messageIndex;
  private Status status = Status.IN_PROGRESS;

  private HandshakeState(Builder<P> b) {
    this.protocol = b.protocol;
    this.initiator = b.initiator;
    this.localStatic = b.localStatic;
    this.remoteStaticType = b.remoteStaticType;
    this.remoteStaticCheck = b.remoteStaticCheck;
    this.random = b.random;
    this.fixedEphemeral = b.fixedEphemeral;
    this.remoteStatic = b.remoteStatic;
    this.presharedKey = b.presharedKey;
    this.precomputed = b.precomputed;
    this.symmetric = new SymmetricState(protocol.protocolNameBytes());
    symmetric.mixHash(b.prologue);
    for (Token token : protocol.responderPreMessage()) {
      if (token != Token.S) {
        throw new IllegalStateException("unsupported pre-message token " + token);
      }
      PublicKey responderStatic = initiator ? remoteStatic : localStatic.publicKey();
      symmetric.mixHash(keyBytes(responderStatic));
    }
  }

  /**
   * Starts building the initiator's side of a handshake with a responder whose static key is
   * known in advance (the IK patterns).
   */
  public static <P extends PublicKey> Builder<P> initiator(NoiseProtocol protocol, P remoteStatic) {
    Builder<P> b = new Builder<>(protocol, true);
    b.remoteStatic = Objects.requireNonNull(remoteStatic, "remoteStatic");
    return b;
  }

  /**
   * Starts building the responder's side. {@code remoteStaticType} turns the initiator's static
   * key, once decrypted, into its typed form (for example {@code MachinePublicKey::new}).
   */
  public static <P extends PublicKey> Builder<P> responder(NoiseProtocol protocol, Function<byte[], P> remoteStaticType) {
    Builder<P> b = new Builder<>(protocol, false);
    b.remoteStaticType = Objects.requireNonNull(remoteStaticType, "remoteStaticType");
    return b;
  }

  public NoiseProtocol protocol() {
    return protocol;
  }

  public boolean isInitiator() {
    return initiator;
  }

  /** Whether the next step of this side is {@link #writeMessage} (otherwise {@link #readMessage}). */
  public boolean isMyTurnToWrite() {
    return status == Status.IN_PROGRESS && (messageIndex % 2 == 0) == initiator;
  }

  /** Whether every handshake message has been written or read; then {@link #split()} is next. */
  public boolean isComplete() {
    return status == Status.COMPLETE || status == Status.SPLIT;
  }

  /**
   * The remote party's static key: known from the start for an initiator, after reading the
   * message that carries it for a responder.
   */
  public P remoteStatic() {
    if (remoteStatic == null) {
      throw new IllegalStateException("the remote static key is not known yet");
    }
    return remoteStatic;
  }

  /**
   * Sets the preshared key before the message with the {@code psk} token is processed; for a
   * responder that learns which key to use from the first message.
   */
  public void presharedKey(PresharedKey psk) {
    this.presharedKey = Objects.requireNonNull(psk, "psk");
  }

  /**
   * The handshake hash {@code h} once the handshake is complete: equal on both sides, unique to
   * this handshake, usable for channel binding.
   */
  public byte[] handshakeHash() {
    if (!isComplete()) {
      throw new IllegalStateException("the handshake hash is final only once the handshake is complete");
    }
    return symmetric.handshakeHash();
  }

  /**
   * WriteMessage(payload): the next handshake message, carrying {@code payload} (encrypted as
   * soon as the pattern has mixed in a key).
   *
   * @throws NoiseException {@link NoiseException.Reason#INVALID_PUBLIC_KEY} if a remote key is a
   *     low-order point; the handshake is then unusable
   * @throws IllegalStateException if it is not this side's turn
   */
  public byte[] writeMessage(byte[] payload) throws NoiseException {
    if (!isMyTurnToWrite()) {
      throw new IllegalStateException("not this side's turn to write (" + describe() + ")");
    }
    int length = protocol.overhead(messageIndex) + payload.length;
    if (length > MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException("a Noise message is at most 65535 bytes; this one would be " + length);
    }
    byte[] out = new byte[length];
    int at = 0;
    try {
      for (Token token : protocol.message(messageIndex)) {
        switch (token) {
          case E -> {
            localEphemeral = fixedEphemeral != null ? fixedEphemeral : EphemeralPrivateKey.generate(random);
            fixedEphemeral = null;
            byte[] pub = keyBytes(localEphemeral.publicKey());
            System.arraycopy(pub, 0, out, at, DH_LENGTH);
            at += DH_LENGTH;
            mixEphemeral(pub);
          }
          case S -> {
            byte[] sealed = symmetric.encryptAndHash(keyBytes(localStatic.publicKey()));
            System.arraycopy(sealed, 0, out, at, sealed.length);
            at += sealed.length;
          }
          default -> mixToken(token);
        }
      }
      byte[] sealed = symmetric.encryptAndHash(payload);
      System.arraycopy(sealed, 0, out, at, sealed.length);
      at += sealed.length;
    } catch (NoiseException e) {
      fail();
      throw e;
    }
    if (at != out.length) {
      throw new IllegalStateException("message length " + at + " differs from the computed " + out.length);
    }
    advance();
    return out;
  }

  /**
   * ReadMessage(message): processes the next handshake message from the remote party and
   * returns its payload. A message that fails leaves this side exactly as it was, so a forged or
   * corrupted message cannot cancel a handshake whose genuine message is still on its way; a
   * caller that wants to give up calls {@link #destroy()}.
   *
   * @throws NoiseException if the message is malformed, does not authenticate, carries a
   *     low-order key, or its static key is refused
   * @throws IllegalStateException if it is this side's turn to write
   */
  public byte[] readMessage(byte[] message) throws NoiseException {
    if (status != Status.IN_PROGRESS || isMyTurnToWrite()) {
      throw new IllegalStateException("not this side's turn to read (" + describe() + ")");
    }
    SymmetricState.Snapshot before = symmetric.snapshot();
    EphemeralPublicKey remoteEphemeralBefore = remoteEphemeral;
    P remoteStaticBefore = remoteStatic;
    PresharedKey presharedKeyBefore = presharedKey;
    PrecomputedStaticStatic precomputedBefore = precomputed;
    try {
      byte[] payload = read(message);
      advance();
      return payload;
    } catch (NoiseException e) {
      symmetric.restore(before);
      remoteEphemeral = remoteEphemeralBefore;
      remoteStatic = remoteStaticBefore;
      presharedKey = presharedKeyBefore;
      precomputed = precomputedBefore;
      throw e;
    } finally {
      before.wipe();
    }
  }

  private byte[] read(byte[] message) throws NoiseException {
    int minimum = protocol.overhead(messageIndex);
    if (message.length < minimum || message.length > MAX_MESSAGE_LENGTH) {
      throw new NoiseException(NoiseException.Reason.MALFORMED, "handshake message " + (messageIndex + 1)
          + " of " + protocol + " is " + message.length + " bytes; expected " + minimum + ".." + MAX_MESSAGE_LENGTH);
    }
    int at = 0;
    for (Token token : protocol.message(messageIndex)) {
      switch (token) {
        case E -> {
          byte[] pub = Arrays.copyOfRange(message, at, at + DH_LENGTH);
          at += DH_LENGTH;
          remoteEphemeral = new EphemeralPublicKey(pub);
          mixEphemeral(pub);
        }
        case S -> {
          int length = DH_LENGTH + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
          byte[] key = symmetric.decryptAndHash(Arrays.copyOfRange(message, at, at + length));
          at += length;
          acceptRemoteStatic(key);
        }
        default -> mixToken(token);
      }
    }
    return symmetric.decryptAndHash(Arrays.copyOfRange(message, at, message.length));
  }

  private void acceptRemoteStatic(byte[] key) throws NoiseException {
    P candidate = remoteStaticType.apply(key);
    RemoteStaticCheck.Secrets secrets = remoteStaticCheck.check(candidate);
    remoteStatic = candidate;
    if (secrets.presharedKey() != null) {
      presharedKey = secrets.presharedKey();
    }
    if (secrets.precomputed() != null) {
      precomputed = secrets.precomputed();
    }
  }

  /** The {@code e} token's mixing: MixHash always, and MixKey too in psk protocols. */
  private void mixEphemeral(byte[] pub) {
    symmetric.mixHash(pub);
    if (protocol.usesPresharedKey()) {
      symmetric.mixKey(pub);
    }
  }

  private void mixToken(Token token) throws NoiseException {
    switch (token) {
      case EE -> mixDh(localEphemeral, remoteEphemeral);
      case ES -> {
        if (initiator) {
          mixDh(localEphemeral, remoteStatic());
        } else {
          mixDh(localStatic, remoteEphemeral);
        }
      }
      case SE -> {
        if (initiator) {
          mixDh(localStatic, remoteEphemeral);
        } else {
          mixDh(localEphemeral, remoteStatic());
        }
      }
      case SS -> mixStaticStatic();
      case PSK -> {
        if (presharedKey == null) {
          throw new IllegalStateException(protocol + " needs a preshared key before message " + (messageIndex + 1));
        }
        byte[] psk = new byte[PresharedKey.LENGTH];
        presharedKey.copyMaterialTo(psk, 0);
        symmetric.mixKeyAndHash(psk);
        Arrays.fill(psk, (byte) 0);
      }
      default -> throw new IllegalStateException("token " + token + " is not a DH or psk token");
    }
  }

  private void mixStaticStatic() throws NoiseException {
    if (precomputed != null && precomputed.isFor(localStatic.publicKey(), remoteStatic())) {
      byte[] shared = new byte[DH_LENGTH];
      precomputed.copyTo(shared);
      symmetric.mixKey(shared);
      Arrays.fill(shared, (byte) 0);
    } else {
      mixDh(localStatic, remoteStatic());
    }
  }

  private void mixDh(PrivateKey<?> local, PublicKey remote) throws NoiseException {
    byte[] shared = new byte[DH_LENGTH];
    try {
      local.agree(remote, shared, 0);
    } catch (KeyFormatException e) {
      throw new NoiseException(NoiseException.Reason.INVALID_PUBLIC_KEY, "the remote key is a low-order point");
    }
    symmetric.mixKey(shared);
    Arrays.fill(shared, (byte) 0);
  }

  /**
   * Split(): the transport ciphers, seen from this side. Allowed once, after the last message;
   * the handshake's ephemeral key and chaining key are zeroed.
   */
  public TransportCiphers split() {
    if (status != Status.COMPLETE) {
      throw new IllegalStateException("split() needs a complete handshake that was not split yet (" + describe() + ")");
    }
    CipherState[] pair = symmetric.split();
    TransportCiphers ciphers = initiator
        ? new TransportCiphers(pair[0], pair[1], symmetric.handshakeHash())
        : new TransportCiphers(pair[1], pair[0], symmetric.handshakeHash());
    status = Status.SPLIT;
    wipe();
    return ciphers;
  }

  /** Zeros this handshake's secrets (the ephemeral key, the chaining key); the object is unusable afterwards. */
  public void destroy() {
    if (status == Status.IN_PROGRESS || status == Status.COMPLETE) {
      status = Status.FAILED;
    }
    wipe();
  }

  private void advance() {
    messageIndex++;
    if (messageIndex == protocol.messageCount()) {
      status = Status.COMPLETE;
    }
  }

  private void fail() {
    status = Status.FAILED;
    wipe();
  }

  private void wipe() {
    symmetric.destroy();
    if (localEphemeral != null) {
      localEphemeral.destroy();
    }
  }

  private String describe() {
    return protocol + " " + (initiator ? "initiator" : "responder") + ", message " + (messageIndex + 1) + ", " + status;
  }

  private static byte[] keyBytes(PublicKey key) {
    byte[] out = new byte[DH_LENGTH];
    key.copyTo(out, 0);
    return out;
  }

  @Override
  public String toString() {
    return "HandshakeState[" + describe() + "]";
  }

  /** Collects a handshake's parameters; see {@link HandshakeState} for the calls in order. */
  public static final class Builder<P extends PublicKey> {
    private final NoiseProtocol protocol;
    private final boolean initiator;
    private byte[] prologue = new byte[0];
    private PrivateKey<?> localStatic;
    private P remoteStatic;
    private Function<byte[], P> remoteStaticType;
    private RemoteStaticCheck<P> remoteStaticCheck = RemoteStaticCheck.acceptAny();
    private PresharedKey presharedKey;
    private PrecomputedStaticStatic precomputed;
    private SecureRandom random;
    private EphemeralPrivateKey fixedEphemeral;

    private Builder(NoiseProtocol protocol, boolean initiator) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      this.initiator = initiator;
    }

    /** Bytes both sides must agree on (a protocol name and version); mixed into the hash first. */
    public Builder<P> prologue(byte[] prologue) {
      this.prologue = prologue.clone();
      return this;
    }

    /** This side's static key pair (required: both sides of IK have one). */
    public Builder<P> localStatic(PrivateKey<?> key) {
      this.localStatic = Objects.requireNonNull(key, "localStatic");
      return this;
    }

    /** The preshared key of a psk protocol (a responder may instead supply it per initiator). */
    public Builder<P> presharedKey(PresharedKey psk) {
      this.presharedKey = Objects.requireNonNull(psk, "psk");
      return this;
    }

    /** An initiator's cached DH(s, rs) for the {@code ss} token. */
    public Builder<P> precomputed(PrecomputedStaticStatic value) {
      this.precomputed = Objects.requireNonNull(value, "precomputed");
      return this;
    }

    /** A responder's check of the initiator's static key; the default accepts any. */
    public Builder<P> remoteStaticCheck(RemoteStaticCheck<P> check) {
      this.remoteStaticCheck = Objects.requireNonNull(check, "check");
      return this;
    }

    /** Where ephemeral keys come from. */
    public Builder<P> random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * A fixed ephemeral key instead of a random one, for known-answer tests only: reusing an
     * ephemeral key across handshakes destroys their forward secrecy.
     */
    public Builder<P> fixedEphemeralForTesting(EphemeralPrivateKey key) {
      this.fixedEphemeral = Objects.requireNonNull(key, "key");
      return this;
    }

    public HandshakeState<P> build() {
      if (localStatic == null) {
        throw new IllegalStateException(protocol + " needs this side's static key: call localStatic(...)");
      }
      if (random == null && fixedEphemeral == null) {
        throw new IllegalStateException("ephemeral keys need a source of randomness: call random(...)");
      }
      if (initiator && protocol.usesPresharedKey() && presharedKey == null) {
        throw new IllegalStateException(protocol + " needs a preshared key: call presharedKey(...)");
      }
      if (precomputed != null && initiator && !precomputed.isFor(localStatic.publicKey(), remoteStatic)) {
        throw new IllegalArgumentException("the precomputed secret belongs to another pair of keys");
      }
      return new HandshakeState<>(this);
    }
  }
}
