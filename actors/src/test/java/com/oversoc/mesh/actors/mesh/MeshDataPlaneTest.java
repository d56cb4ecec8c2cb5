package com.oversoc.mesh.actors.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.actors.path.MemoryNetwork;
import com.oversoc.mesh.actors.path.PathAddress;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.typesafe.config.ConfigFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two data planes, a platform and a gateway, joined by an in-memory network: node key rotations
 * of either side under a live stream.
 */
class MeshDataPlaneTest {
  private static final long GATEWAY_ID = 2;
  private static final long PLATFORM_ID = 3;
  private static final Duration OVERLAP = Duration.ofMinutes(5);
  private static final int CHUNK = 4096;

  private final SecureRandom random = new SecureRandom();
  private ActorSystem<Void> system;
  private MeshDataPlane gateway;
  private MeshDataPlane platform;

  @BeforeEach
  void start() {
    system = ActorSystem.create(Behaviors.empty(), "plane-" + System.nanoTime(),
        ActorSystems.pekkoConfig(ConfigFactory.empty()));
    MemoryNetwork net = new MemoryNetwork();
    MemoryNetwork.Port g = net.bind("gateway", 1);
    MemoryNetwork.Port p = net.bind("platform", 1);
    // The gateway echoes every stream.
    gateway = new MeshDataPlane(system, MeshDataPlane.Side.GATEWAY, NodePrivateKey.generate(random), List.of(g),
        TransportConfig.defaults(), s -> s.accept().join(org.apache.pekko.stream.javadsl.Flow.create()).run(system),
        SystemClocks.MONOTONIC, SystemClocks.WALL, random, "gw");
    platform = new MeshDataPlane(system, MeshDataPlane.Side.PLATFORM, NodePrivateKey.generate(random), List.of(p),
        TransportConfig.defaults(), s -> { }, SystemClocks.MONOTONIC, SystemClocks.WALL, random, "pf");
    gateway.apply(List.of(info(PLATFORM_ID, "platform", platform.publicKey(), Optional.empty(), p.address())));
    platform.apply(List.of(info(GATEWAY_ID, "gateway", gateway.publicKey(), Optional.empty(), g.address())));
  }

  @AfterEach
  void stop() {
    platform.close();
    gateway.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static MeshDataPlane.PeerInfo info(long id, String name, NodePublicKey key,
      Optional<MeshDataPlane.PreviousKey> previous, PathAddress at) {
    return new MeshDataPlane.PeerInfo(id, key, previous, name, List.of(at), Optional.empty());
  }

  /** What the coordinator's next map says of a node that rotated from {@code old}. */
  private static MeshDataPlane.PeerInfo rotated(long id, String name, NodePublicKey next, NodePublicKey old,
      PathAddress at) {
    return info(id, name, next, Optional.of(new MeshDataPlane.PreviousKey(old, Instant.now().plus(OVERLAP))), at);
  }

  @Test
  void aStreamGoesOnUnbrokenWhileTheGatewayAndThenThePlatformRotateTheirKeys() throws Exception {
    PathAddress g = new PathAddress.Memory("gateway", 1);
    PathAddress p = new PathAddress.Memory("platform", 1);
    int chunks = 2000; // 8 MiB at one chunk a millisecond or so: the stream lasts a few seconds
    SplittableRandom bytes = new SplittableRandom(7);
    byte[][] sent = new byte[chunks][];
    MessageDigest sentSha = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < chunks; i++) {
      sent[i] = new byte[CHUNK];
      bytes.nextBytes(sent[i]);
      sentSha.update(sent[i]);
    }
    AtomicLong received = new AtomicLong();
    AtomicLong lastArrival = new AtomicLong(System.nanoTime());
    AtomicLong longestGap = new AtomicLong();
    MessageDigest echoSha = MessageDigest.getInstance("SHA-256");
    var done = Source.range(0, chunks - 1)
        .throttle(1, Duration.ofMillis(2))
        .map(i -> ByteString.fromArray(sent[i]))
        .viaMat(platform.openStream("gateway", IpLiteral.parse("10.0.1.50"), 8443), Keep.right())
        .toMat(Sink.foreach(b -> {
          long now = System.nanoTime();
          longestGap.accumulateAndGet(now - lastArrival.getAndSet(now), Math::max);
          echoSha.update(b.toArray());
          if (received.addAndGet(b.size()) == (long) chunks * CHUNK) {
            throw new StopEcho();
          }
        }), Keep.both())
        .run(system);
    done.first().toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitBytes(received, 256 * 1024);

    // The gateway rotates: its coordinator confirms, then tells the platform in the next map.
    NodePublicKey oldGateway = gateway.publicKey();
    NodePrivateKey nextGateway = NodePrivateKey.generate(random);
    gateway.rotateLocalKey(nextGateway, Instant.now().plus(OVERLAP));
    platform.apply(List.of(rotated(GATEWAY_ID, "gateway", nextGateway.publicKey(), oldGateway, g)));
    awaitBytes(received, received.get() + 1024 * 1024);

    // Then the platform.
    NodePublicKey oldPlatform = platform.publicKey();
    NodePrivateKey nextPlatform = NodePrivateKey.generate(random);
    platform.rotateLocalKey(nextPlatform, Instant.now().plus(OVERLAP));
    gateway.apply(List.of(rotated(PLATFORM_ID, "platform", nextPlatform.publicKey(), oldPlatform, p)));

    try {
      done.second().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof StopEcho)) {
        throw e;
      }
    }
    assertEquals((long) chunks * CHUNK, received.get());
    assertEquals(java.util.HexFormat.of().formatHex(sentSha.digest()), java.util.HexFormat.of().formatHex(echoSha.digest()),
        "every byte came back, in order");
    long gapMs = Duration.ofNanos(longestGap.get()).toMillis();
    assertTrue(gapMs < 2_000, "the stream stalled " + gapMs + " ms across the rotations");

    // Once the new sessions carry the traffic, the old ones go (LEGACY_GRACE after).
    PeerLink toGateway = platform.peer(nextGateway.publicKey()).orElseThrow();
    PeerLink toPlatform = gateway.peer(nextPlatform.publicKey()).orElseThrow();
    long deadline = System.nanoTime() + PeerLink.LEGACY_GRACE.plusSeconds(5).toNanos();
    while ((toGateway.sessionKeys().size() > 1 || toPlatform.sessionKeys().size() > 1) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(List.of(List.of(nextPlatform.publicKey(), nextGateway.publicKey())), toGateway.sessionKeys());
    assertEquals(List.of(List.of(nextGateway.publicKey(), nextPlatform.publicKey())), toPlatform.sessionKeys());
    assertEquals(0, gateway.handshakesInitiated(), "the gateway never starts a handshake, rotation or not");
    System.out.println("longest gap in the echo across both rotations: " + gapMs + " ms");
  }

  private static void awaitBytes(AtomicLong received, long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (received.get() < bytes) {
      assertTrue(System.nanoTime() < deadline, "only " + received.get() + " of " + bytes + " bytes came back");
      Thread.sleep(10);
    }
  }

  /** Ends the echo sink once everything came back (the stream itself stays open). */
  private static final class StopEcho extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopEcho() {
      super("all bytes echoed", null, false, false);
    }
  }
}
