package com.oversoc.mesh.actors.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.RelayFrame;
import com.oversoc.mesh.protocol.relay.RelayFrame.Ping;
import com.oversoc.mesh.protocol.relay.RelayFrame.SendPacket;
import com.oversoc.mesh.protocol.relay.RelayFrameException;
import com.oversoc.mesh.protocol.relay.RelayFrames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.oversoc.mesh.actors.ActorSystems;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The stream stages shared by relay and client: framing and the queue's writer. */
class RelayStreamsTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static List<RelayFrame> decode(List<ByteString> chunks) throws Exception {
    return Source.from(chunks).via(RelayFraming.decoder()).runWith(Sink.seq(), KIT.system())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void framesAreFoundAcrossAnyChunkBoundaries() throws Exception {
    List<RelayFrame> frames = new ArrayList<>();
    ByteString wire = ByteString.emptyByteString();
    for (int i = 0; i < 20; i++) {
      RelayFrame f = i % 2 == 0 ? new Ping(i) : new SendPacket(new NodePublicKey(new byte[32]), new byte[i * 97]);
      frames.add(f);
      wire = wire.concat(RelayFraming.encode(f));
    }
    for (int chunk : new int[] {1, 3, 5, 64, 1000, wire.size()}) {
      List<ByteString> chunks = new ArrayList<>();
      for (int off = 0; off < wire.size(); off += chunk) {
        chunks.add(wire.slice(off, Math.min(wire.size(), off + chunk)));
      }
      assertEquals(frames, decode(chunks), "chunks of " + chunk);
    }
  }

  @Test
  void anOversizedHeaderFailsTheStreamBeforeThePayloadArrives() {
    // Only the header, then silence: the stream must fail without waiting for 4 GiB of payload.
    Throwable refused = Source.single(ByteString.fromArray(HexFormat.of().parseHex("03ffffffff")))
        .concat(Source.never())
        .via(RelayFraming.decoder())
        .runWith(Sink.ignore(), KIT.system())
        .handle((done, failure) -> failure)
        .toCompletableFuture().join();
    RelayFrameException e = assertInstanceOf(RelayFrameException.class, refused);
    assertEquals(RelayFrameException.Problem.TOO_LARGE, e.problem());
  }

  @Test
  void aStreamThatEndsInsideAFrameIsMalformed() {
    byte[] frame = RelayFrames.encode(new Ping(1));
    Throwable failure = Source.single(ByteString.fromArray(frame, 0, frame.length - 2))
        .via(RelayFraming.decoder())
        .runWith(Sink.ignore(), KIT.system())
        .handle((done, t) -> t)
        .toCompletableFuture().join();
    assertEquals(RelayFrameException.Problem.BAD_LENGTH, assertInstanceOf(RelayFrameException.class, failure).problem());
  }

  @Test
  void theWriterEmitsOnDemandAndIsWokenByNewData() {
    SendQueue q = new SendQueue(32, 8, SendQueue.Observer.NONE);
    TestSubscriber.Probe<ByteString> out = Source.fromGraph(new SendQueueSource(q, Duration.ofSeconds(30), 1024))
        .runWith(TestSink.probe(KIT.system().classicSystem()), KIT.system());
    out.request(1);
    out.expectNoMessage(Duration.ofMillis(50));
    q.offerPacket(ByteString.fromString("a"));
    assertEquals("a", out.expectNext().utf8String());
    q.offerPacket(ByteString.fromString("b"));
    q.offerPacket(ByteString.fromString("c"));
    out.request(1);
    assertEquals("bc", out.expectNext().utf8String(), "what queued while the connection was busy leaves in one batch");
    q.close(ByteString.fromString("closing"), DropReason.GONE);
    out.request(1);
    assertEquals("closing", out.expectNext().utf8String());
    out.expectComplete();
  }

  @Test
  void aPeerThatStopsTakingWritesFailsTheWriterAndItsQueueIsCountedAsWriteErrors() {
    SendQueueTest.Recorder r = new SendQueueTest.Recorder();
    SendQueue q = new SendQueue(32, 8, r);
    // Everything is queued before the writer starts: offered after it, a slow test thread could
    // meet a queue the write timeout already closed.
    for (int i = 0; i < 41; i++) {
      q.offerPacket(ByteString.fromString("x"));
    }
    assertEquals(32, q.depth(), "the queue holds 32 and drops the oldest");
    // One frame per batch; the peer takes the first, then stops reading.
    TestSubscriber.Probe<ByteString> out = Source.fromGraph(new SendQueueSource(q, Duration.ofMillis(100), 1))
        .runWith(TestSink.probe(KIT.system().classicSystem()), KIT.system());
    out.request(1);
    out.expectNext();
    Throwable t = out.expectError();
    assertInstanceOf(WriteTimeoutException.class, t);
    assertTrue(q.isClosed());
    assertEquals(9, r.drops(DropReason.QUEUE_FULL));
    assertEquals(31, r.drops(DropReason.WRITE_ERROR));
  }

  @Test
  void aConnectionThatGoesAwayCountsWhatWasQueuedAsGone() {
    SendQueueTest.Recorder r = new SendQueueTest.Recorder();
    SendQueue q = new SendQueue(32, 8, r);
    TestSubscriber.Probe<ByteString> out = Source.fromGraph(new SendQueueSource(q, Duration.ofSeconds(30), 1024))
        .runWith(TestSink.probe(KIT.system().classicSystem()), KIT.system());
    out.request(1);
    q.offerPacket(ByteString.fromString("1"));
    out.expectNext();
    q.offerPacket(ByteString.fromString("2"));
    q.offerPacket(ByteString.fromString("3"));
    out.cancel();
    KIT.createTestProbe().awaitAssert(() -> {
      assertTrue(q.isClosed());
      assertEquals(2, r.drops(DropReason.GONE));
      return null;
    });
  }
}
