package com.oversoc.mesh.actors.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.SystemClocks;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Pekko Streams edge over an in-memory datagram pair: bytes flow both ways with completion,
 * a stalled consumer stops the remote producer with bounded buffering, and cancelling or failing
 * one side resets the stream on the other with the right code.
 */
class TransportStreamTest {
  static final IpLiteral TARGET = IpLiteral.parse("10.0.1.50");
  static final long SEND_BUFFER = 64 * 1024;
  static final long STREAM_WINDOW = 256 * 1024;
  static final int CHUNK = 16 * 1024;
  static final Duration WAIT = Duration.ofSeconds(5);

  ActorSystem<Void> system;
  TransportConnection platform;
  final LinkedBlockingQueue<IncomingStream> incoming = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    system = ActorSystems.create(Behaviors.empty(), "transport-test", ConfigFactory.empty());
    TransportConfig config = TransportConfig.defaults().withWindows(STREAM_WINDOW, 4 * STREAM_WINDOW, SEND_BUFFER);
    SplittableRandom random = new SplittableRandom(1);
    long now = SystemClocks.MONOTONIC.nanos();
    Connection p = Connection.platform(config, random.split(), now);
    Connection g = Connection.gateway(config, p.connectionId(), random.split(), now);
    InMemoryDatagramLink[] links = InMemoryDatagramLink.pair();
    platform = TransportConnection.spawn(system, "platform", p, links[0], SystemClocks.MONOTONIC, s -> { });
    TransportConnection.spawn(system, "gateway", g, links[1], SystemClocks.MONOTONIC, incoming::add);
  }

  @AfterEach
  void stop() {
    system.terminate();
  }

  IncomingStream nextIncoming() throws InterruptedException {
    IncomingStream s = incoming.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(s != null, "the gateway was told about the stream");
    return s;
  }

  static String collect(TestSubscriber.Probe<ByteString> sub) {
    StringBuilder sb = new StringBuilder();
    sub.request(Long.MAX_VALUE);
    while (true) {
      var event = sub.expectNextOrComplete();
      if (event.isLeft()) {
        return sb.toString();
      }
      sb.append(event.right().get().utf8String());
    }
  }

  @Test
  void bytesFlowBothWaysAndCompletionEndsEachDirection() throws Exception {
    Pair<Pair<TestPublisher.Probe<ByteString>, CompletionStage<StreamOpenResult>>, TestSubscriber.Probe<ByteString>> p =
        TestSource.<ByteString>probe(system.classicSystem())
            .viaMat(platform.openStream(TARGET, 8443), Keep.both())
            .toMat(TestSink.probe(system.classicSystem()), Keep.both())
            .run(system);
    IncomingStream in = nextIncoming();
    assertEquals(TARGET, in.target());
    assertEquals(8443, in.port());
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> g =
        TestSource.<ByteString>probe(system.classicSystem())
            .via(in.accept())
            .toMat(TestSink.probe(system.classicSystem()), Keep.both())
            .run(system);
    assertEquals(StreamOpenResult.OK, p.first().second().toCompletableFuture().get(5, TimeUnit.SECONDS));

    p.first().first().sendNext(ByteString.fromString("hello ")).sendNext(ByteString.fromString("gateway")).sendComplete();
    assertEquals("hello gateway", collect(g.second()));
    g.first().sendNext(ByteString.fromString("hello platform")).sendComplete();
    assertEquals("hello platform", collect(p.second()));
  }

  @Test
  void aStalledConsumerStopsTheRemoteProducerWithBoundedBuffering() throws Exception {
    AtomicLong produced = new AtomicLong();
    ByteString chunk = ByteString.fromArray(new byte[CHUNK]);
    Source.repeat(chunk)
        .map(c -> {
          produced.addAndGet(c.size());
          return c;
        })
        .via(platform.openStream(TARGET, 9000))
        .runWith(org.apache.pekko.stream.javadsl.Sink.ignore(), system);
    TestSubscriber.Probe<ByteString> consumer = Source.<ByteString>maybe()
        .via(nextIncoming().accept())
        .runWith(TestSink.probe(system.classicSystem()), system);
    consumer.ensureSubscription();

    // No demand at all: the producer fills the gateway's window and the platform's buffer, then stops.
    long plateau = waitForPlateau(produced);
    long bound = STREAM_WINDOW + SEND_BUFFER + 4L * CHUNK;
    System.out.println("TRANSPORT stalled consumer: producer stopped after " + plateau + " bytes (bound " + bound + ")");
    assertTrue(plateau >= STREAM_WINDOW, "the window filled: " + plateau);
    assertTrue(plateau <= bound, "the producer got " + plateau + " bytes ahead, bound " + bound);
    consumer.expectNoMessage(Duration.ofMillis(100));

    // Demand resumes the producer.
    consumer.request(64);
    long received = 0;
    for (int i = 0; i < 64; i++) {
      received += consumer.expectNext(WAIT).size();
    }
    assertTrue(received > 0);
    long later = waitForPlateau(produced);
    assertTrue(later > plateau, "reading returned credit and the producer went on");
    assertTrue(later - received <= bound, "still bounded after reading: " + (later - received));
  }

  /** Waits until the counter has not moved for 300 ms and returns it. */
  static long waitForPlateau(AtomicLong counter) throws InterruptedException {
    long last = -1;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      long now = counter.get();
      if (now == last && now > 0) {
        return now;
      }
      last = now;
      Thread.sleep(300);
    }
    throw new AssertionError("the producer never stopped: " + counter.get());
  }

  @Test
  void cancellingTheConsumerResetsTheStreamOnTheOtherSide() throws Exception {
    TestSubscriber.Probe<ByteString> platformConsumer = Source.<ByteString>maybe()
        .via(platform.openStream(TARGET, 443))
        .runWith(TestSink.probe(system.classicSystem()), system);
    Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> g =
        TestSource.<ByteString>probe(system.classicSystem())
            .via(nextIncoming().accept())
            .toMat(TestSink.probe(system.classicSystem()), Keep.both())
            .run(system);
    g.first().sendNext(ByteString.fromString("data"));
    platformConsumer.request(1);
    assertEquals("data", platformConsumer.expectNext(WAIT).utf8String());

    platformConsumer.cancel();
    g.first().expectCancellation();
    g.second().request(1);
    Throwable error = g.second().expectError();
    assertInstanceOf(StreamResetException.class, error);
    assertEquals(StreamErrorCode.CANCELLED, ((StreamResetException) error).code());
  }

  @Test
  void aFailingProducerResetsTheStreamOnTheOtherSide() throws Exception {
    TestPublisher.Probe<ByteString> producer = TestSource.<ByteString>probe(system.classicSystem())
        .via(platform.openStream(TARGET, 443))
        .to(org.apache.pekko.stream.javadsl.Sink.ignore())
        .run(system);
    TestSubscriber.Probe<ByteString> gatewayConsumer = Source.<ByteString>maybe()
        .via(nextIncoming().accept())
        .runWith(TestSink.probe(system.classicSystem()), system);
    producer.sendNext(ByteString.fromString("partial"));
    gatewayConsumer.request(10);
    assertEquals("partial", gatewayConsumer.expectNext(WAIT).utf8String());
    producer.sendError(new IllegalStateException("client went away"));
    Throwable error = gatewayConsumer.expectError();
    assertEquals(StreamErrorCode.CANCELLED, assertInstanceOf(StreamResetException.class, error).code());
  }

  @Test
  void aRefusalFailsTheFlowAndItsMaterializedValueWithTheGatewaysReason() throws Exception {
    Pair<CompletionStage<StreamOpenResult>, TestSubscriber.Probe<ByteString>> p = Source.<ByteString>maybe()
        .viaMat(platform.openStream(TARGET, 25), Keep.right())
        .toMat(TestSink.probe(system.classicSystem()), Keep.both())
        .run(system);
    nextIncoming().reject(StreamOpenResult.POLICY_DENIED);
    p.second().request(1);
    Throwable error = p.second().expectError();
    assertEquals(StreamOpenResult.POLICY_DENIED, assertInstanceOf(StreamOpenFailedException.class, error).result());
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> p.first().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(StreamOpenFailedException.class, failed.getCause());
  }

  @Test
  void aHostNameFailsLocallyWithNotAnIpLiteral() {
    // The IpLiteral type already refuses names; the text API of the connection says which code.
    Flow<ByteString, ByteString, CompletionStage<StreamOpenResult>> flow = platform.openStream(TARGET, 0);
    TestSubscriber.Probe<ByteString> sub = Source.<ByteString>maybe().via(flow)
        .runWith(TestSink.probe(system.classicSystem()), system);
    sub.request(1);
    assertEquals(StreamOpenResult.INVALID_PORT,
        assertInstanceOf(StreamOpenFailedException.class, sub.expectError()).result());
  }
}
