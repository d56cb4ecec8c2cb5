package com.oversoc.mesh.actors.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.typesafe.config.ConfigFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecureChannelTest {
  private static final int MAX_MESSAGE = 1 << 20;
  private static ActorSystem<Void> system;

  private final SecureRandom random = new SecureRandom();
  private final CoordinatorPrivateKey serverKey = CoordinatorPrivateKey.generate(random);
  private final MachinePrivateKey clientKey = MachinePrivateKey.generate(random);
  private final SecureChannel.Settings settings = SecureChannel.Settings.defaults();
  private final Admission<MachinePublicKey> admitAll =
      (key, hello) -> CompletableFuture.completedFuture(Admission.Decision.accept("welcome".getBytes()));

  @BeforeAll
  static void start() {
    system = ActorSystems.create(Behaviors.empty(), "secure-channel-test", ConfigFactory.empty());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ServerIdentity<CoordinatorPublicKey>>>
      client(CoordinatorPublicKey pinned, ChannelProtocol.Kind kind) {
    return SecureChannel.client(kind, clientKey, pinned, "hello".getBytes(), settings);
  }

  private BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ClientIdentity<MachinePublicKey>>>
      server(Admission<MachinePublicKey> admission, SecureChannel.Settings s) {
    return SecureChannel.server(ChannelProtocol.CONTROL, serverKey, MachinePublicKey::new, admission, s);
  }

  /** Client and server back to back in memory; the server's application is {@code serverApp}. */
  private <M> Flow<ByteString, ByteString, Pair<CompletionStage<ServerIdentity<CoordinatorPublicKey>>, CompletionStage<ClientIdentity<MachinePublicKey>>>>
      inMemory(BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ServerIdentity<CoordinatorPublicKey>>> client,
               BidiFlow<ByteString, ByteString, ByteString, ByteString, CompletionStage<ClientIdentity<MachinePublicKey>>> server,
               Flow<ByteString, ByteString, M> serverApp) {
    return client.atop(server.reversed(), Keep.both()).join(serverApp, Keep.left());
  }

  private static List<ByteString> randomMessages(int count, long seed) {
    Random r = new Random(seed);
    List<ByteString> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[i % 10 == 0 ? 150_000 : r.nextInt(2000)];
      r.nextBytes(b);
      out.add(ByteString.fromArrayUnsafe(b));
    }
    return out;
  }

  @Test
  void messagesRoundTripThroughBothEndsAndBothIdentitiesAreProven() throws Exception {
    List<ByteString> messages = randomMessages(200, 7);
    var framing = SecureChannel.messageFraming(MAX_MESSAGE);
    var channel = inMemory(client(serverKey.publicKey(), ChannelProtocol.CONTROL), server(admitAll, settings),
        Flow.<ByteString>create()); // the server echoes its byte stream
    var run = Source.from(messages)
        .viaMat(framing.join(channel, Keep.right()), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(system);
    assertEquals(messages, run.second().toCompletableFuture().get(20, TimeUnit.SECONDS));
    ServerIdentity<CoordinatorPublicKey> server = run.first().first().toCompletableFuture().get();
    ClientIdentity<MachinePublicKey> client = run.first().second().toCompletableFuture().get();
    assertEquals(serverKey.publicKey(), server.serverKey());
    assertEquals("welcome", new String(server.welcome()));
    assertEquals(clientKey.publicKey(), client.clientKey());
    assertEquals("hello", new String(client.hello()));
    assertArrayEquals(server.handshakeHash(), client.handshakeHash());
  }

  @Test
  void refusedClientLearnsTheReasonAndNoDataFlows() throws Exception {
    Admission<MachinePublicKey> refuse =
        (key, hello) -> CompletableFuture.completedFuture(Admission.Decision.refuse("machine key is not enrolled"));
    AtomicLong serverReceived = new AtomicLong();
    var channel = inMemory(client(serverKey.publicKey(), ChannelProtocol.CONTROL), server(refuse, settings),
        Flow.<ByteString>create().map(b -> {
          serverReceived.addAndGet(b.size());
          return b;
        }));
    var ids = Source.single(ByteString.fromString("secret")).viaMat(channel, Keep.right()).to(Sink.ignore()).run(system);
    ChannelException e = cause(ids.first());
    assertEquals(Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().endsWith("machine key is not enrolled"), e.getMessage());
    assertEquals(Reason.REFUSED, cause(ids.second()).reason());
    assertEquals(0, serverReceived.get());
  }

  @Test
  void failedAdmissionFailsClosed() throws Exception {
    Admission<MachinePublicKey> broken =
        (key, hello) -> CompletableFuture.failedFuture(new IllegalStateException("store down"));
    var channel = inMemory(client(serverKey.publicKey(), ChannelProtocol.CONTROL), server(broken, settings), Flow.create());
    var ids = Source.<ByteString>maybe().viaMat(channel, Keep.right()).to(Sink.ignore()).run(system);
    ChannelException e = cause(ids.first());
    assertEquals(Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().endsWith("temporarily unavailable"), e.getMessage());
  }

  @Test
  void clientPinningAnotherServerKeyFailsOnBothEnds() throws Exception {
    var channel = inMemory(client(CoordinatorPrivateKey.generate(random).publicKey(), ChannelProtocol.CONTROL),
        server(admitAll, settings), Flow.create());
    var ids = Source.<ByteString>maybe().viaMat(channel, Keep.right()).to(Sink.ignore()).run(system);
    assertEquals(Reason.HANDSHAKE_FAILED, cause(ids.second()).reason());
    cause(ids.first()); // the client fails too: the server hung up
  }

  @Test
  void versionMismatchIsReportedWithTheServersVersion() throws Exception {
    var channel = inMemory(client(serverKey.publicKey(), new ChannelProtocol.Kind("control", "OVSC", 2)),
        server(admitAll, settings), Flow.create());
    var ids = Source.<ByteString>maybe().viaMat(channel, Keep.right()).to(Sink.ignore()).run(system);
    ChannelException atClient = cause(ids.first());
    assertEquals(Reason.UNSUPPORTED_VERSION, atClient.reason());
    assertTrue(atClient.getMessage().contains("the peer speaks control version 1, this build speaks 2"),
        atClient.getMessage());
    assertEquals(Reason.UNSUPPORTED_VERSION, cause(ids.second()).reason());
  }

  @Test
  void silentPeerIsDroppedAfterTheHandshakeTimeout() throws Exception {
    var quick = new SecureChannel.Settings(Duration.ofMillis(200), random);
    CompletionStage<ClientIdentity<MachinePublicKey>> id = Source.<ByteString>maybe()
        .viaMat(server(admitAll, quick).reversed().join(Flow.create()), Keep.right())
        .to(Sink.ignore()).run(system);
    assertEquals(Reason.HANDSHAKE_TIMEOUT, cause(id).reason());
  }

  @Test
  void slowReaderStopsTheRemoteWriterWithBoundedBuffering() throws Exception {
    AtomicLong produced = new AtomicLong();
    ByteString chunk = ByteString.fromArrayUnsafe(new byte[8192]);
    Flow<ByteString, ByteString, NotUsed> firehose = Flow.fromSinkAndSource(Flow.<ByteString>create().to(Sink.ignore()),
        Source.repeat(chunk).map(c -> {
          produced.addAndGet(c.size());
          return c;
        })).mapMaterializedValue(m -> NotUsed.getInstance());
    var channel = inMemory(client(serverKey.publicKey(), ChannelProtocol.CONTROL), server(admitAll, settings), firehose);
    TestSubscriber.Probe<ByteString> reader = Source.<ByteString>maybe().via(channel)
        .runWith(TestSink.probe(system.classicSystem()), system);
    reader.request(3);
    reader.expectNextN(3);
    // Without demand the writer must come to a stop once the bounded buffers between are full.
    long stalled = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      long before = produced.get();
      Thread.sleep(200);
      if (produced.get() == before) {
        stalled = before;
        break;
      }
    }
    assertTrue(stalled >= 0, "the writer never stopped: " + produced.get() + " bytes");
    assertTrue(stalled < 4 * 1024 * 1024, "buffered " + stalled + " bytes");
    reader.request(50);
    reader.expectNextN(50);
    reader.cancel();
  }

  @Test
  void overTcpTenMegabytesEchoIntactAndABadClientHurtsNobodyElse() throws Exception {
    var binding = Tcp.get(system).bind("127.0.0.1", 0)
        .to(Sink.foreach(conn -> conn.handleWith(SecureChannel.serverConnection(ChannelProtocol.CONTROL, serverKey,
            MachinePublicKey::new, admitAll, settings, identity -> Flow.<ByteString>create()), system)))
        .run(system).toCompletableFuture().get(5, TimeUnit.SECONDS);
    int port = binding.localAddress().getPort();
    try {
      // A peer that speaks the preamble and then garbage: its connection alone is closed.
      byte[] junk = new byte[200];
      random.nextBytes(junk);
      junk[0] = 0;
      junk[1] = (byte) 198;
      CompletionStage<ByteString> garbage = Source.single(ChannelProtocol.CONTROL.preamble().encode())
          .map(ByteString::fromArrayUnsafe).concat(Source.single(ByteString.fromArrayUnsafe(junk)))
          .via(Tcp.get(system).outgoingConnection("127.0.0.1", port))
          .runFold(ByteString.emptyByteString(), ByteString::concat, system);
      // The server answers nothing and drops the connection (a reset is as good as a close).
      int answered = garbage.handle((bytes, err) -> bytes == null ? 0 : bytes.size())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(0, answered);

      byte[] data = new byte[10 << 20];
      random.nextBytes(data);
      Source<ByteString, NotUsed> source = Source.range(0, (data.length >> 16) - 1)
          .map(i -> ByteString.fromArray(data, i << 16, 1 << 16));
      var echoed = source
          .via(client(serverKey.publicKey(), ChannelProtocol.CONTROL)
              .join(Tcp.get(system).outgoingConnection("127.0.0.1", port)))
          .runFold(MessageDigest.getInstance("SHA-256"), (md, b) -> {
            md.update(b.toArrayUnsafe());
            return md;
          }, system);
      byte[] got = echoed.toCompletableFuture().get(30, TimeUnit.SECONDS).digest();
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got);
    } finally {
      binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  private static ChannelException cause(CompletionStage<?> stage) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    Throwable t = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
    return assertInstanceOf(ChannelException.class, t, String.valueOf(t));
  }
}
