package com.oversoc.mesh.actors.control;

import static com.oversoc.mesh.actors.control.FakeCoordinator.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.control.ControlClient.State;
import com.oversoc.mesh.actors.control.ControlClient.Stopped;
import com.oversoc.mesh.actors.control.FakeCoordinator.Connection;
import com.oversoc.mesh.protocol.control.ControlClientSession.Mode;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The control client's own logic against coordinators in memory, on manual time: which
 * coordinator it dials and when, what it does with the pre-auth key file, when it gives up.
 */
class ControlClientTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      ManualTime.config().withFallback(ActorSystems.pekkoConfig(ConfigFactory.empty())));
  private static final ManualTime TIME = ManualTime.get(KIT.system());
  /** Stream timeouts measure real time (the manual clock only triggers their checks), so one test runs on it. */
  private static final ActorTestKit REAL = ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Endpoint A = new Endpoint("coord-a.test", 8443);
  private static final Endpoint B = new Endpoint("coord-b.test", 8443);
  private static final Endpoint C = new Endpoint("coord-c.test", 8443);
  private static final ReconnectBackoff.Schedule SCHEDULE =
      new ReconnectBackoff.Schedule(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofSeconds(10));
  /** Longer than any delay of {@link #SCHEDULE}. */
  private static final Duration AFTER_ANY_DELAY = Duration.ofSeconds(1);
  private static final String AUTH_KEY = "ovsgw-key-0123456789abcdef-not-a-real-secret";

  @TempDir Path dir;
  private final List<ControlClient> started = new CopyOnWriteArrayList<>();

  @AfterAll
  static void stopKit() {
    KIT.shutdownTestKit();
    REAL.shutdownTestKit();
  }

  @AfterEach
  void closeClients() {
    started.forEach(c -> c.closeAsync().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join());
  }

  /** Records every state change as "STATE: detail". */
  private static final class States implements ControlClient.Listener {
    final TestProbe<String> probe = TestProbe.create(KIT.system());

    @Override
    public void onStateChanged(State state, String detail) {
      probe.ref().tell(state + ": " + detail);
    }

    /** Skips states until one starting with {@code prefix}; returns it. */
    String await(String prefix) {
      return probe.fishForMessage(PATIENCE, "a state " + prefix, s -> s.startsWith(prefix)
          ? FishingOutcomes.complete()
          : FishingOutcomes.continueAndIgnore()).getLast();
    }
  }

  private ControlClientSettings settings(Mode mode, AuthKey authKey, List<Endpoint> coordinators, long seed) {
    return ControlClientSettings.defaults(mode, coordinators, CoordinatorPrivateKey.generate(RANDOM).publicKey(),
            MachinePrivateKey.generate(RANDOM), NodePrivateKey.generate(RANDOM), authKey, "relay-test", "test")
        .withBackoff(SCHEDULE, new SplittableRandom(seed))
        // Monotonic time stands still: no connection here lasts long enough to reset the backoff.
        .withClocks(() -> 0L, InstantSource.fixed(Instant.parse("2026-06-01T12:00:00Z")));
  }

  private ControlClient start(ControlClientSettings s, FakeCoordinator coordinator, ControlClient.Listener listener) {
    ControlClient c = ControlClient.start(KIT.system(), "t" + RANDOM.nextInt(1 << 30), s, coordinator, listener);
    started.add(c);
    return c;
  }

  /** Plays an enrolled relay's coordinator on the client's next connection until the client streams. */
  private static Connection streaming(FakeCoordinator coordinators, States states) throws InterruptedException {
    Connection c = coordinators.nextConnection();
    assertTrue(c.next().hasHello());
    c.send(FakeCoordinator.hello(true, NodeRole.NODE_ROLE_RELAY));
    assertTrue(c.nextRequest().hasActiveKeysRequest(), "a relay asks for the active-keys feed, and no key is sent");
    c.send(FakeCoordinator.emptyKeySet());
    states.await("STREAMING");
    return c;
  }

  @Test
  void failedAttemptsRotateThroughTheCoordinatorsAfterExactlyTheBackoffsDelay() {
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    List.of(A, B, C).forEach(coordinators::refuse);
    States states = new States();
    long seed = 42;
    start(settings(Mode.RELAY, AuthKey.none(), List.of(A, B, C), seed), coordinators, states);
    ReconnectBackoff twin = new ReconnectBackoff(SCHEDULE, new SplittableRandom(seed));

    coordinators.dials.expectMessage(PATIENCE, A);
    List<Endpoint> order = List.of(B, C, A, B, C, A, B);
    long delayMs = 0;
    for (Endpoint next : order) {
      delayMs = twin.nextDelay(0).toMillis();
      String backingOff = states.await("BACKING_OFF");
      assertTrue(backingOff.contains("connection refused") && backingOff.endsWith("next attempt in " + delayMs
          + " ms to " + next), backingOff);
      TIME.timePasses(Duration.ofMillis(delayMs - 1));
      coordinators.dials.expectNoMessage(Duration.ofMillis(100));
      TIME.timePasses(Duration.ofMillis(1));
      assertEquals(next, coordinators.dials.expectMessage(PATIENCE, next));
    }
    assertTrue(delayMs >= SCHEDULE.max().toMillis() / 2 && delayMs <= SCHEDULE.max().toMillis(),
        "after " + order.size() + " failures the delay is capped: " + delayMs + " ms");
  }

  @Test
  void thePreAuthKeyFileIsSentWhenNotEnrolledAndDeletedOnlyOnceTheCoordinatorConfirms() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("auth-key"), AUTH_KEY + "\n");
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    States states = new States();
    start(settings(Mode.RELAY, AuthKey.file(keyFile), List.of(A), 1), coordinators, states);

    // A connection lost before the registration is answered: the key may not have been used.
    Connection first = coordinators.nextConnection();
    assertTrue(first.next().hasHello());
    first.send(FakeCoordinator.hello(false, NodeRole.NODE_ROLE_RELAY));
    ClientMessage register = first.next();
    assertEquals(AUTH_KEY, register.getRegister().getAuthKey());
    first.close();
    states.await("BACKING_OFF");
    assertTrue(Files.exists(keyFile), "the key file stays until an enrollment is confirmed");

    TIME.timePasses(AFTER_ANY_DELAY);
    Connection second = coordinators.nextConnection();
    assertTrue(second.next().hasHello());
    second.send(FakeCoordinator.hello(false, NodeRole.NODE_ROLE_RELAY));
    assertEquals(AUTH_KEY, second.next().getRegister().getAuthKey());
    second.send(FakeCoordinator.registered(NodeRole.NODE_ROLE_RELAY));
    assertTrue(second.nextRequest().hasActiveKeysRequest(), "a relay asks for the active-keys feed");
    second.send(FakeCoordinator.emptyKeySet());
    assertEquals("STREAMING: streaming from " + A + " as node 7", states.await("STREAMING"));
    KIT.createTestProbe().awaitAssert(PATIENCE, () -> {
      assertFalse(Files.exists(keyFile), "the key file is deleted after the enrollment");
      return null;
    });

    // Enrolled from now on: no key needed, none sent.
    second.close();
    states.await("BACKING_OFF");
    TIME.timePasses(AFTER_ANY_DELAY);
    streaming(coordinators, states);
  }

  @Test
  void aPassingRefusalIsRetriedAndAKeyTheCoordinatorRejectsStopsTheClientForGood() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("auth-key"), AUTH_KEY + "\n");
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    States states = new States();
    ControlClient client = start(settings(Mode.RELAY, AuthKey.file(keyFile), List.of(A, B), 2), coordinators, states);

    Connection busy = coordinators.nextConnection();
    busy.next();
    busy.send(FakeCoordinator.error(ControlError.Code.OVERLOADED, true));
    String retry = states.await("BACKING_OFF");
    assertTrue(retry.contains("refused: OVERLOADED: test says OVERLOADED") && retry.endsWith("to " + B), retry);

    TIME.timePasses(AFTER_ANY_DELAY);
    Connection refusing = coordinators.nextConnection();
    assertEquals(B, refusing.at);
    refusing.next();
    refusing.send(FakeCoordinator.hello(false, NodeRole.NODE_ROLE_RELAY));
    refusing.next();
    refusing.send(FakeCoordinator.error(ControlError.Code.AUTH_KEY_USED, true));
    Stopped stopped = client.stopped().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(Stopped.Reason.REFUSED, stopped.reason());
    assertTrue(stopped.detail().contains("AUTH_KEY_USED") && stopped.detail().contains(keyFile.toString())
        && stopped.detail().contains("ovsgw admin keys create"), stopped.detail());
    assertFalse(stopped.detail().contains(AUTH_KEY), "the secret is never in a message");
    assertEquals(State.STOPPED, client.state());
    assertTrue(Files.exists(keyFile), "a refused key is not an enrollment");

    TIME.timePasses(Duration.ofHours(1));
    coordinators.dials.fishForMessage(PATIENCE, "the two dials made", e -> e.equals(B)
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());
    coordinators.dials.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aRevokedMachineStopsForGoodAndSaysWhy() throws Exception {
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    States states = new States();
    ControlClient client = start(settings(Mode.RELAY, AuthKey.none(), List.of(A), 3), coordinators, states);
    Connection c = streaming(coordinators, states);
    c.send(FakeCoordinator.revoked("decommissioned"));
    Stopped stopped = client.stopped().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(new Stopped(Stopped.Reason.REVOKED, "the coordinator revoked this machine: decommissioned"), stopped);
    assertEquals("STOPPED: the coordinator revoked this machine: decommissioned", states.await("STOPPED"));
    TIME.timePasses(Duration.ofHours(1));
    coordinators.dials.receiveMessage(PATIENCE);
    coordinators.dials.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aMachineThatIsNotEnrolledAndHasNoKeyStopsAndNamesTheFileItLookedFor() throws Exception {
    Path missing = dir.resolve("auth-key-never-written");
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    ControlClient client = start(settings(Mode.RELAY, AuthKey.file(missing), List.of(A), 4), coordinators,
        new States());
    Connection c = coordinators.nextConnection();
    c.next();
    c.send(FakeCoordinator.hello(false, NodeRole.NODE_ROLE_RELAY));
    Stopped stopped = client.stopped().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(Stopped.Reason.REFUSED, stopped.reason());
    assertTrue(stopped.detail().contains("NOT_ENROLLED") && stopped.detail().contains("found no pre-auth key: "
        + "the pre-auth key file " + missing), stopped.detail());
  }

  @Test
  void aMeshNodeReportsItsEndpointsWithTheMapRequestOfEveryConnection() throws Exception {
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    States states = new States();
    ControlClient client = start(settings(Mode.MESH_NODE, AuthKey.none(), List.of(A), 5), coordinators, states);
    IpEndpoint lan = IpEndpoint.newBuilder().setIp(com.google.protobuf.ByteString.copyFrom(new byte[] {10, 0, 1, 9}))
        .setPort(41641).build();
    client.updateEndpoints(List.of(lan), 1);
    for (int connection = 0; connection < 2; connection++) {
      Connection c = coordinators.nextConnection();
      assertTrue(c.next().hasHello());
      c.send(FakeCoordinator.hello(true, NodeRole.NODE_ROLE_GATEWAY));
      ClientMessage request = c.nextRequest();
      assertEquals(List.of(lan), request.getMapRequest().getEndpointsList(), "connection " + connection);
      assertEquals(1, request.getMapRequest().getHomeRelay());
      c.close();
      states.await("BACKING_OFF");
      TIME.timePasses(AFTER_ANY_DELAY);
    }
  }

  @Test
  void closingEndsTheConnectionAndNothingIsDialedAfterwards() throws Exception {
    FakeCoordinator coordinators = new FakeCoordinator(KIT.system());
    States states = new States();
    ControlClient client = start(settings(Mode.RELAY, AuthKey.none(), List.of(A), 6), coordinators, states);
    Connection c = streaming(coordinators, states);
    client.closeAsync().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    c.ended.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(new Stopped(Stopped.Reason.CLOSED, "closed by the node"), client.stopped().toCompletableFuture().get());
    assertTrue(client.closeAsync().toCompletableFuture().isDone(), "a second close returns the first completion");
    TIME.timePasses(Duration.ofHours(1));
    coordinators.dials.receiveMessage(PATIENCE);
    coordinators.dials.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aCoordinatorThatGoesSilentIsLeftAfterTheReadTimeoutForTheNextOne() throws Exception {
    FakeCoordinator coordinators = new FakeCoordinator(REAL.system());
    TestProbe<String> states = TestProbe.create(REAL.system());
    ControlClientSettings s = settings(Mode.RELAY, AuthKey.none(), List.of(A, B), 7)
        .withTimeouts(Duration.ofMillis(200), Duration.ofMillis(500));
    ControlClient client = ControlClient.start(REAL.system(), "silent", s, coordinators, new ControlClient.Listener() {
      @Override
      public void onStateChanged(State state, String detail) {
        states.ref().tell(state + ": " + detail);
      }
    });
    started.add(client);
    Connection silent = coordinators.nextConnection();
    assertEquals(A, silent.at);
    long start = System.nanoTime();
    assertTrue(silent.next().hasHello(), "the client spoke; the coordinator never answers");
    String backingOff = states.fishForMessage(PATIENCE, "backing off", m -> m.startsWith("BACKING_OFF")
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).getLast();
    long waitedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(backingOff.contains("nothing received for 500 ms"), backingOff);
    assertTrue(waitedMs >= 450, "gave up after " + waitedMs + " ms, before the read timeout");
    assertTrue(silent.next().hasKeepalive(), "keepalives went out while it waited");
    silent.ended.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(B, coordinators.nextConnection().at, "the next attempt goes to the next coordinator");
  }
}
