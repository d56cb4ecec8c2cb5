package com.oversoc.mesh.actors.control;

import static com.oversoc.mesh.actors.control.FakeCoordinator.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.control.FakeCoordinator.Connection;
import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.control.ControlClientSession.Mode;
import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.MeshAddresses;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Registration;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RotateNodeKeyResponse;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.control.pb.ServerHello;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mesh node's control client rotating its node key against a coordinator in memory, on manual
 * time: when it rotates, what it keeps on disk at each step, and how a rotation the node did not
 * hear the end of is settled on the next connection.
 */
class NodeKeyRotationTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      ManualTime.config().withFallback(ActorSystems.pekkoConfig(ConfigFactory.empty())));
  private static final ManualTime TIME = ManualTime.get(KIT.system());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Endpoint A = new Endpoint("coord-a.test", 8443);
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Duration LIFETIME = Duration.ofHours(3);

  @TempDir Path dir;
  private final List<ControlClient> started = new CopyOnWriteArrayList<>();

  @AfterAll
  static void stopKit() {
    KIT.shutdownTestKit();
  }

  @AfterEach
  void closeClients() {
    started.forEach(c -> c.closeAsync().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join());
  }

  /** The node key files, and every commit told to the node (as "KEY until INSTANT"). */
  private final class Keys {
    final NodeKeyFile files = new NodeKeyFile(dir);
    final TestProbe<String> commits = TestProbe.create(KIT.system());
    final NodeKeyRotation rotation = files.rotation(
        (next, until) -> commits.ref().tell(next.publicKey().toBase64() + " until " + until));

    NodePublicKey stored() throws IOException {
      return KeyFile.read(files.file(), NodePrivateKey::parse).publicKey();
    }
  }

  /** A client with a fresh key on disk, streaming from a coordinator that holds {@code theirs} (null: this node's key). */
  private record Running(Keys keys, NodePrivateKey first, FakeCoordinator coordinators, TestProbe<String> states,
      Connection connection) {}

  private Running running(NodePublicKey theirs) throws Exception {
    Keys keys = new Keys();
    NodePrivateKey first = keys.files.loadOrCreate(RANDOM).key();
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    TestProbe<String> states = TestProbe.create(KIT.system());
    start(first, keys, coordinators, states);
    Connection c = streaming(coordinators, theirs == null ? first.publicKey() : theirs, states);
    return new Running(keys, first, coordinators, states, c);
  }

  private ControlClient start(NodePrivateKey nodeKey, Keys keys, FakeCoordinator coordinator, TestProbe<String> states) {
    ControlClientSettings s = ControlClientSettings.defaults(Mode.MESH_NODE, List.of(A),
            CoordinatorPrivateKey.generate(RANDOM).publicKey(), MachinePrivateKey.generate(RANDOM), nodeKey,
            AuthKey.none(), "acme-dmz-1", "test")
        .withBackoff(new ReconnectBackoff.Schedule(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofSeconds(10)),
            new SplittableRandom(1))
        .withClocks(() -> 0L, InstantSource.fixed(NOW))
        .withRotation(keys.rotation);
    ControlClient c = ControlClient.start(KIT.system(), "rot" + RANDOM.nextInt(1 << 30), s, coordinator,
        new ControlClient.Listener() {
          @Override
          public void onStateChanged(ControlClient.State state, String detail) {
            states.ref().tell(state + ": " + detail);
          }
        });
    started.add(c);
    return c;
  }

  /** Plays an enrolled gateway's coordinator that holds {@code key} (expiring after LIFETIME) until the client streams. */
  private static Connection streaming(FakeCoordinator coordinators, NodePublicKey key, TestProbe<String> states)
      throws InterruptedException {
    Connection c = coordinators.nextConnection();
    assertTrue(c.next().hasHello());
    long expires = NOW.plus(LIFETIME).toEpochMilli();
    c.send(ServerMessage.newBuilder().setHello(ServerHello.newBuilder()
        .setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION)
        .setSessionNonce(ByteString.copyFrom(new byte[ControlProtocol.SESSION_NONCE_BYTES]))
        .setEnrolled(true)
        .setRegistration(Registration.newBuilder().setNodeId(7).setRole(NodeRole.NODE_ROLE_GATEWAY).setTenant("acme")
            .setNodeKey(ByteString.copyFrom(key.bytes())).setNodeKeyExpiresUnixMs(expires))).build());
    assertTrue(c.nextRequest().hasMapRequest());
    c.send(ServerMessage.newBuilder().setMap(MapResponse.newBuilder().setSeq(1).setFull(true)
        .setSelf(SelfNode.newBuilder().setNodeId(7).setName("acme-dmz-1").setRole(NodeRole.NODE_ROLE_GATEWAY)
            .setTenant("acme").setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(7).bytes()))
            .setIpv6(ByteString.copyFrom(new byte[16])).setNodeKey(ByteString.copyFrom(key.bytes()))
            .setNodeKeyExpiresUnixMs(expires))
        .setRelayMap(RelayMap.getDefaultInstance()).setPolicyVersion(1)).build());
    states.fishForMessage(PATIENCE, "streaming", m -> m.startsWith("STREAMING")
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return c;
  }

  @Test
  void theNodeKeyRotatesAtTwoThirdsOfItsLifetimeAndIsCommittedOnlyWhenTheCoordinatorConfirms() throws Exception {
    Running r = running(null);
    Keys keys = r.keys();
    NodePrivateKey first = r.first();
    Connection c = r.connection();

    TIME.timePasses(LIFETIME.multipliedBy(2).dividedBy(3).minusSeconds(1));
    assertTrue(keys.files.prepared().isEmpty(), "nothing happens before two thirds of the lifetime");
    TIME.timePasses(Duration.ofSeconds(2));
    ClientMessage request = c.nextRequest();
    assertTrue(request.hasRotateNodeKey(), request.toString());
    NodePublicKey next = new NodePublicKey(request.getRotateNodeKey().getNewNodeKey().toByteArray());
    // Stored before the coordinator hears of it, owner-only; the node key is still the first one.
    assertEquals(next, keys.files.prepared().orElseThrow().publicKey());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve(NodeKeyFile.NEXT_FILE_NAME))));
    assertEquals(first.publicKey(), keys.stored());
    keys.commits.expectNoMessage(Duration.ofMillis(200));

    Instant overlapEnds = NOW.plus(Duration.ofMinutes(5));
    c.send(ServerMessage.newBuilder().setRotateNodeKey(RotateNodeKeyResponse.newBuilder()
        .setNodeKey(ByteString.copyFrom(next.bytes())).setNodeKeyExpiresUnixMs(NOW.plus(LIFETIME).toEpochMilli())
        .setPreviousKeyValidUntilUnixMs(overlapEnds.toEpochMilli())).build());
    assertEquals(next.toBase64() + " until " + overlapEnds, keys.commits.receiveMessage(PATIENCE));
    assertEquals(next, keys.stored(), "the new key is the node key on disk");
    assertFalse(Files.exists(dir.resolve(NodeKeyFile.NEXT_FILE_NAME)), "and the next-key file is gone");

    // The next rotation is scheduled from the new expiry: two thirds of it again.
    TIME.timePasses(LIFETIME.multipliedBy(2).dividedBy(3).plusSeconds(1));
    assertTrue(c.nextRequest().hasRotateNodeKey(), "rotated again");
  }

  @Test
  void aRotationTheCoordinatorTookWhileTheConnectionDroppedIsCommittedOnTheNextConnection() throws Exception {
    Running r = running(null);
    Keys keys = r.keys();
    Connection c = r.connection();
    TIME.timePasses(LIFETIME.multipliedBy(2).dividedBy(3).plusSeconds(1));
    NodePublicKey next = new NodePublicKey(c.nextRequest().getRotateNodeKey().getNewNodeKey().toByteArray());
    c.close(); // the coordinator took the key, and the answer was lost with the connection

    TIME.timePasses(Duration.ofSeconds(1));
    Connection again = streaming(r.coordinators(), next, r.states());
    String commit = keys.commits.receiveMessage(PATIENCE);
    assertTrue(commit.startsWith(next.toBase64() + " until "), commit);
    assertEquals(next, keys.stored());
    TIME.timePasses(Duration.ofMinutes(30));
    assertTrue(again.framesWithin(Duration.ofMillis(300)).stream().noneMatch(ClientMessage::hasRotateNodeKey),
        "no second rotation: the key the coordinator holds is this node's");
  }

  @Test
  void aNodeThatLostTheKeyTheCoordinatorHoldsRotatesAtOnce() throws Exception {
    Connection c = running(NodePrivateKey.generate(RANDOM).publicKey()).connection();
    ClientMessage request = c.nextRequest();
    assertTrue(request.hasRotateNodeKey(), "a key this node can use replaces the one it lost: " + request);
  }
}
