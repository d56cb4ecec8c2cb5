package com.oversoc.mesh.actors.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.relay.RelayClient.State;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.ClientInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.Closing;
import com.oversoc.mesh.protocol.relay.RelayFrame.ForwardPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.MeshHello;
import com.oversoc.mesh.protocol.relay.RelayFrame.PeerPresent;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.Pong;
import com.oversoc.mesh.protocol.relay.RelayFrame.RecvPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerInfo;
import com.oversoc.mesh.protocol.relay.RelayFrame.ServerRestarting;
import com.oversoc.mesh.protocol.relay.RelayProtocol;
import com.oversoc.mesh.protocol.retry.ReconnectBackoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.Done;
import com.oversoc.mesh.actors.ActorSystems;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RelayClientTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));
  private static final NodePublicKey PEER = key(7);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  static NodePublicKey key(int fill) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) fill);
    return new NodePublicKey(b);
  }

  /**
   * A relay in memory: admits or refuses the hello, echoes SEND_PACKET back as RECV_PACKET from the
   * destination, answers PING, and lets the test restart it or cut the connection.
   */
  static final class FakeRelay {
    final List<Long> connectedAtNanos = new CopyOnWriteArrayList<>();
    final List<RelayFrame> hellos = new CopyOnWriteArrayList<>();
    final List<RelayFrame> received = new CopyOnWriteArrayList<>();
    volatile Function<RelayFrame, RelayFrame> answer =
        hello -> new ServerInfo(RelayProtocol.VERSION, RelayProtocol.KEEPALIVE_INTERVAL, 0, 0);
    volatile SendQueue current;

    RelayDialer dialer() {
      return () -> {
        SendQueue out = new SendQueue(32, 64, SendQueue.Observer.NONE);
        return Flow.fromSinkAndSourceCoupled(
                RelayFraming.decoder().to(Sink.foreach(f -> handle(f, out))),
                Source.fromGraph(new SendQueueSource(out, Duration.ofSeconds(10), SendQueueSource.MAX_BATCH_BYTES)))
            .mapMaterializedValue(nu -> {
              connectedAtNanos.add(System.nanoTime());
              current = out;
              return CompletableFuture.completedFuture(Done.getInstance());
            });
      };
    }

    private void handle(RelayFrame f, SendQueue out) {
      received.add(f);
      switch (f) {
        case ClientInfo c -> reply(f, out);
        case MeshHello m -> reply(f, out);
        case SendPacket p -> out.offerPacket(RelayFraming.encode(new RecvPacket(p.destination(), p.packet())));
        case ForwardPacket p -> out.offerPacket(RelayFraming.encode(new RecvPacket(p.source(), p.packet())));
        case Ping p -> out.offerControl(RelayFraming.encode(new Pong(p.data())));
        default -> { }
      }
    }

    private void reply(RelayFrame hello, SendQueue out) {
      hellos.add(hello);
      RelayFrame a = answer.apply(hello);
      if (a instanceof Closing) {
        out.close(RelayFraming.encode(a), DropReason.GONE);
      } else {
        out.offerControl(RelayFraming.encode(a));
      }
    }

    void send(RelayFrame f) {
      current.offerControl(RelayFraming.encode(f));
    }

    void close(RelayFrame last) {
      current.close(last == null ? null : RelayFraming.encode(last), DropReason.GONE);
    }
  }

  static final class Events implements RelayClient.Listener {
    final List<byte[]> packets = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final List<NodePublicKey> sources = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final List<NodePublicKey> present = new CopyOnWriteArrayList<>();
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<CloseReason> refusals = new CopyOnWriteArrayList<>();

    @Override
    public void onPacket(NodePublicKey source, byte[] packet) {
      sources.add(source);
      packets.add(packet);
    }

    @Override
    public void onPeerPresent(NodePublicKey peer) {
      present.add(peer);
    }

    @Override
    public void onStateChanged(State state, Optional<CloseReason> refusal, String detail) {
      states.add(state.name());
      refusal.ifPresent(refusals::add);
    }
  }

  private static void await(Runnable assertion) {
    KIT.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertion.run();
      return null;
    });
  }

  private static RelayClient start(String name, RelayClientSettings settings, FakeRelay relay, Events events) {
    return RelayClient.start(KIT.system(), name, settings.withRandom(new SplittableRandom(1)), relay.dialer(), events);
  }

  @Test
  void connectsSendsAndReceivesPackets() {
    FakeRelay relay = new FakeRelay();
    Events events = new Events();
    RelayClient c = start("basic", RelayClientSettings.node(true), relay, events);
    await(() -> assertEquals(State.CONNECTED, c.state()));
    assertEquals(new ClientInfo(RelayProtocol.VERSION, true), relay.hellos.get(0));
    byte[] packet = {1, 2, 3, 4};
    assertTrue(c.send(PEER, packet));
    await(() -> assertEquals(1, events.packets.size()));
    assertArrayEquals(packet, events.packets.get(0));
    assertEquals(PEER, events.sources.get(0));
    c.close();
    assertEquals(State.CLOSED, c.state());
    assertFalse(c.send(PEER, packet), "a closed client drops at once");
  }

  @Test
  void aThousandPacketsArriveInOrder() {
    FakeRelay relay = new FakeRelay();
    Events events = new Events();
    RelayClient c = start("order", RelayClientSettings.node(false), relay, events);
    await(() -> assertEquals(State.CONNECTED, c.state()));
    for (int i = 0; i < 1000; i++) {
      c.send(PEER, new byte[] {(byte) (i >> 8), (byte) i});
      int sent = i + 1;
      // Stay within the fake relay's 32-packet queue.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sent - events.packets.size() > 16) {
        assertTrue(System.nanoTime() < deadline, "only " + events.packets.size() + " of " + sent + " arrived in 10 s");
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
    }
    await(() -> assertEquals(1000, events.packets.size()));
    for (int i = 0; i < 1000; i++) {
      byte[] p = events.packets.get(i);
      assertEquals(i, (p[0] & 0xff) << 8 | (p[1] & 0xff));
    }
    c.close();
  }

  @Test
  void reconnectsWithBackoffAfterTheConnectionDrops() {
    FakeRelay relay = new FakeRelay();
    Events events = new Events();
    RelayClient c = start("reconnect", RelayClientSettings.node(true), relay, events);
    await(() -> assertEquals(State.CONNECTED, c.state()));
    relay.close(null);
    await(() -> assertEquals(2, relay.connectedAtNanos.size()));
    await(() -> assertEquals(State.CONNECTED, c.state()));
    assertTrue(events.states.contains("BACKING_OFF"));
    long gap = relay.connectedAtNanos.get(1) - relay.connectedAtNanos.get(0);
    // Equal jitter: the first delay is at least half the nominal initial delay, never zero.
    assertTrue(gap >= ReconnectBackoff.INITIAL_DELAY.toNanos() / 2, "waited " + Duration.ofNanos(gap));
    c.close();
  }

  /**
   * A mesh link forgets its sibling's clients when a connection ends and learns them again from
   * the next one; if CONNECTING were reported after the connection started, its announcements
   * could come first and be forgotten (a relay that never learns a sibling's client).
   */
  @Test
  void eachConnectionLiesBetweenConnectingAndBackingOff() {
    FakeRelay relay = new FakeRelay();
    Events events = new Events();
    RelayDialer dialer = () -> relay.dialer().connect().mapMaterializedValue(up -> {
      events.states.add("connection started");
      return up;
    });
    RelayClient c = RelayClient.start(KIT.system(), "order-of-states", RelayClientSettings.node(true), dialer, events);
    await(() -> assertEquals(State.CONNECTED, c.state()));
    relay.close(null);
    await(() -> assertEquals(7, events.states.size()));
    assertEquals(List.of("CONNECTING", "connection started", "CONNECTED", "BACKING_OFF",
        "CONNECTING", "connection started", "CONNECTED"), events.states);
    c.close();
  }

  @Test
  void aRefusalIsReportedWithItsReasonAndRetriedLater() {
    FakeRelay relay = new FakeRelay();
    relay.answer = hello -> new Closing(CloseReason.NOT_ENROLLED, "not in the active set");
    Events events = new Events();
    RelayClient c = start("refused", RelayClientSettings.node(true), relay, events);
    await(() -> assertTrue(events.refusals.contains(CloseReason.NOT_ENROLLED)));
    assertFalse(c.send(PEER, new byte[] {1}), "never admitted, so nothing is queued");
    await(() -> assertTrue(relay.connectedAtNanos.size() >= 2, "it keeps trying, with backoff"));
    assertTrue(events.states.stream().noneMatch("CONNECTED"::equals));
    c.close();
  }

  @Test
  void serverRestartingMovesTheNextAttemptToTheAnnouncedTime() {
    FakeRelay relay = new FakeRelay();
    Events events = new Events();
    RelayClient c = start("restart", RelayClientSettings.node(true), relay, events);
    await(() -> assertEquals(State.CONNECTED, c.state()));
    Duration reconnectIn = Duration.ofMillis(700);
    relay.close(new ServerRestarting(reconnectIn, Duration.ofSeconds(10)));
    await(() -> assertEquals(2, relay.connectedAtNanos.size()));
    long gap = relay.connectedAtNanos.get(1) - relay.connectedAtNanos.get(0);
    assertTrue(gap >= reconnectIn.toNanos(), "not before the announced time: " + Duration.ofNanos(gap));
    await(() -> assertEquals(State.CONNECTED, c.state()));
    c.close();
  }

  @Test
  void aMeshLinkSaysMeshHelloForwardsAndHearsPresence() {
    FakeRelay relay = new FakeRelay();
    Events events = new Events();
    MeshKey mesh = MeshKey.generate(new java.security.SecureRandom());
    RelayClient c = start("mesh", RelayClientSettings.mesh(mesh), relay, events);
    await(() -> assertEquals(State.CONNECTED, c.state()));
    MeshHello hello = (MeshHello) relay.hellos.get(0);
    assertTrue(hello.meshKey().matches(mesh));
    relay.send(new PeerPresent(PEER));
    await(() -> assertEquals(List.of(PEER), events.present));
    assertTrue(c.forward(key(1), PEER, new byte[] {9}));
    await(() -> assertEquals(key(1), events.sources.get(0)));
    c.close();
  }

  @Test
  void onlyMeshLinksForward() {
    FakeRelay relay = new FakeRelay();
    RelayClient c = start("noforward", RelayClientSettings.node(true), relay, new Events());
    assertThrows(IllegalStateException.class, () -> c.forward(key(1), PEER, new byte[] {1}));
    c.close();
  }

  @Test
  void dropsWhileDisconnectedAreCounted() {
    FakeRelay relay = new FakeRelay();
    relay.answer = hello -> new Closing(CloseReason.ADMISSION_UNAVAILABLE, "no coordinator");
    SendQueueTest.Recorder recorder = new SendQueueTest.Recorder();
    RelayClient c = start("drops", RelayClientSettings.node(true).withObserver(recorder), relay, new Events());
    List<Boolean> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(c.send(PEER, new byte[] {1}));
    }
    assertEquals(List.of(false, false, false, false, false), results);
    assertEquals(5, recorder.drops(DropReason.NOT_CONNECTED));
    c.close();
  }
}
