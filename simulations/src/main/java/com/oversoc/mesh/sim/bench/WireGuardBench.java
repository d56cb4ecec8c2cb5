package com.oversoc.mesh.sim.bench;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.time.ManualClock;
import com.oversoc.mesh.protocol.wireguard.Device;
import com.oversoc.mesh.protocol.wireguard.Peer;
import com.oversoc.mesh.protocol.wireguard.PeerConfig;
import com.oversoc.mesh.protocol.wireguard.ReceiveResult;
import com.oversoc.mesh.protocol.wireguard.SourceAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The WireGuard session's costs next to the primitives under them, measured in the same run:
 *
 * <ul>
 *   <li>{@code transportSealOpen}: one 1400-byte packet through a whole device pair (seal with
 *       header and padding, route by index, replay window, open, deliver) against
 *       {@code referenceJdkSealOpen}, the bare JDK ChaCha20-Poly1305 sealing and opening the same
 *       bytes, and {@code referenceBouncyCastleSealOpen}, BouncyCastle's engine (why the JDK's is
 *       used).
 *   <li>{@code handshake}: one complete handshake (initiation, response, both sides' processing,
 *       and the keepalive that confirms the session) against {@code referenceX25519Bc}, one
 *       BouncyCastle X25519 agreement: a handshake needs six of them and two key generations,
 *       so the ratio says how much of a handshake is anything but X25519. {@code referenceX25519Jdk}
 *       is the JDK's XDH (why BouncyCastle's is used), {@code referenceX25519Radix51} the
 *       project's own {@link com.oversoc.mesh.protocol.crypto.X25519}.
 * </ul>
 *
 * <p>Run: {@code ./bench -f 1 -wi 3 -i 5 WireGuardBench}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WireGuardBench {
  static final int PACKET = 1400;

  static final SourceAddress<String> ADDRESSES = new SourceAddress<>() {
    @Override
    public byte[] cookieBytes(String address) {
      return address.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object rateLimitKey(String address) {
      return address;
    }
  };

  /** Keeps the last datagram one side sent; the benchmark hands it to the other side. */
  static final class Wire implements Device.Output<String> {
    byte[] datagram;
    byte[] delivered;

    @Override
    public void transmit(String to, byte[] d) {
      datagram = d;
    }

    @Override
    public void deliver(Peer from, byte[] packet) {
      delivered = packet;
    }
  }

  /** Two devices with a session, on a manual clock. */
  @State(Scope.Thread)
  public static class Pair {
    final ManualClock clock = new ManualClock();
    Device<String> a;
    Device<String> b;
    NodePublicKey aKey;
    NodePublicKey bKey;
    final Wire toB = new Wire();
    final Wire toA = new Wire();
    final byte[] packet = new byte[PACKET];

    @Setup(Level.Trial)
    public void setUp() {
      SecureRandom random = new SecureRandom();
      NodePrivateKey ak = NodePrivateKey.generate(random);
      NodePrivateKey bk = NodePrivateKey.generate(random);
      aKey = ak.publicKey();
      bKey = bk.publicKey();
      a = new Device<>(ak, random, clock, ADDRESSES);
      b = new Device<>(bk, random, clock, ADDRESSES);
      a.addPeer(PeerConfig.of(bKey));
      b.addPeer(PeerConfig.of(aKey));
      a.setEndpoint(bKey, "b");
      b.setEndpoint(aKey, "a");
      new SplittableRandom(3).nextBytes(packet);
      if (!completeHandshake(this)) {
        throw new IllegalStateException("the benchmark's handshake failed");
      }
    }
  }

  /** A full handshake, the clock moved past REKEY_TIMEOUT first so that a may initiate again. */
  static boolean completeHandshake(Pair s) {
    s.clock.advance(Duration.ofSeconds(6));
    long now = s.clock.nanos();
    s.a.initiateHandshake(s.bKey, now, s.toB);
    s.b.receive(s.toB.datagram, s.toB.datagram.length, "a", now, s.toA);
    s.a.receive(s.toA.datagram, s.toA.datagram.length, "b", now, s.toB);
    return s.b.receive(s.toB.datagram, s.toB.datagram.length, "a", now, s.toA) == ReceiveResult.KEEPALIVE;
  }

  @Benchmark
  public boolean handshake(Pair s) {
    return completeHandshake(s);
  }

  /**
   * One 1400-byte packet from a to b through both devices. Virtual time stands still, so the
   * session never ages into a rekey; the peer only reads the packet array, so it is reused.
   */
  @Benchmark
  public byte[] transportSealOpen(Pair s) {
    s.a.send(s.bKey, s.packet, s.clock.nanos(), s.toB);
    s.b.receive(s.toB.datagram, s.toB.datagram.length, "a", s.clock.nanos(), s.toA);
    return s.toA.delivered;
  }

  /** The bare JDK cipher, as the session must use it: a fresh nonce per packet, seal, then open. */
  @State(Scope.Thread)
  public static class Jdk {
    Cipher cipher;
    SecretKeySpec key;
    final byte[] packet = new byte[PACKET];
    final byte[] nonce = new byte[12];
    long counter;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
      cipher = Cipher.getInstance("ChaCha20-Poly1305");
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      key = new SecretKeySpec(k, "ChaCha20");
      new SplittableRandom(4).nextBytes(packet);
    }
  }

  @Benchmark
  public byte[] referenceJdkSealOpen(Jdk s) throws GeneralSecurityException {
    long c = s.counter++;
    for (int i = 0; i < 8; i++) {
      s.nonce[4 + i] = (byte) (c >>> (8 * i));
    }
    byte[] sealed = new byte[PACKET + 16];
    s.cipher.init(Cipher.ENCRYPT_MODE, s.key, new IvParameterSpec(s.nonce));
    s.cipher.doFinal(s.packet, 0, PACKET, sealed, 0);
    byte[] opened = new byte[PACKET];
    s.cipher.init(Cipher.DECRYPT_MODE, s.key, new IvParameterSpec(s.nonce));
    s.cipher.doFinal(sealed, 0, sealed.length, opened, 0);
    return opened;
  }

  @State(Scope.Thread)
  public static class Bc {
    final ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    final byte[] key = new byte[32];
    final byte[] packet = new byte[PACKET];
    final byte[] nonce = new byte[12];
    long counter;

    @Setup(Level.Trial)
    public void setUp() {
      new SecureRandom().nextBytes(key);
      new SplittableRandom(5).nextBytes(packet);
    }
  }

  @Benchmark
  public byte[] referenceBouncyCastleSealOpen(Bc s) throws InvalidCipherTextException {
    long c = s.counter++;
    for (int i = 0; i < 8; i++) {
      s.nonce[4 + i] = (byte) (c >>> (8 * i));
    }
    byte[] sealed = new byte[PACKET + 16];
    s.cipher.init(true, new AEADParameters(new KeyParameter(s.key), 128, s.nonce));
    int n = s.cipher.processBytes(s.packet, 0, PACKET, sealed, 0);
    s.cipher.doFinal(sealed, n);
    byte[] opened = new byte[PACKET];
    s.cipher.init(false, new AEADParameters(new KeyParameter(s.key), 128, s.nonce));
    n = s.cipher.processBytes(sealed, 0, sealed.length, opened, 0);
    s.cipher.doFinal(opened, n);
    return opened;
  }

  @State(Scope.Thread)
  public static class Curve {
    final byte[] privateKey = new byte[32];
    final byte[] publicKey = new byte[32];
    final byte[] shared = new byte[32];
    KeyAgreement jdk;
    KeyPair jdkPair;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
      SecureRandom r = new SecureRandom();
      X25519.generatePrivateKey(r, privateKey);
      byte[] other = new byte[32];
      X25519.generatePrivateKey(r, other);
      X25519.generatePublicKey(other, 0, publicKey, 0);
      KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
      jdkPair = g.generateKeyPair();
      jdk = KeyAgreement.getInstance("X25519");
    }
  }

  @Benchmark
  public byte[] referenceX25519Bc(Curve s) {
    X25519.calculateAgreement(s.privateKey, 0, s.publicKey, 0, s.shared, 0);
    return s.shared;
  }

  @Benchmark
  public byte[] referenceX25519Radix51(Curve s) {
    com.oversoc.mesh.protocol.crypto.X25519.calculateAgreement(s.privateKey, 0, s.publicKey, 0, s.shared, 0);
    return s.shared;
  }

  @Benchmark
  public byte[] referenceX25519Jdk(Curve s) throws GeneralSecurityException {
    s.jdk.init(s.jdkPair.getPrivate());
    s.jdk.doPhase(s.jdkPair.getPublic(), true);
    return s.jdk.generateSecret();
  }
}
