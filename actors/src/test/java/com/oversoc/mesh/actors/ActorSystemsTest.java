package com.oversoc.mesh.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.Test;

class ActorSystemsTest {

  @Test
  void nodeOverridesWinOverProjectDefaults() {
    Config effective = ActorSystems.pekkoConfig(ConfigFactory.parseString("pekko.loglevel = WARNING"));
    assertEquals("WARNING", effective.getString("pekko.loglevel"));
    assertEquals(List.of("org.apache.pekko.event.slf4j.Slf4jLogger"), effective.getStringList("pekko.loggers"));
    assertFalse(effective.getBoolean("pekko.coordinated-shutdown.exit-jvm"));
  }

  /**
   * Proves the decision recorded in the parent pom: the 1.2.1 stream test kit drives 1.7.0
   * streams, and cancellation travels back to the publisher.
   */
  @Test
  void streamTestKitRunsAgainstTheRuntimeVersion() {
    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "testkit-check", ConfigFactory.empty());
    try {
      Pair<TestPublisher.Probe<Integer>, TestSubscriber.Probe<Integer>> probes =
          TestSource.<Integer>probe(system.classicSystem())
              .via(Flow.of(Integer.class).map(i -> i * 2))
              .toMat(TestSink.<Integer>probe(system.classicSystem()), Keep.both())
              .run(system);
      TestPublisher.Probe<Integer> pub = probes.first();
      TestSubscriber.Probe<Integer> sub = probes.second();

      sub.request(1);
      pub.sendNext(21);
      assertEquals(42, sub.expectNext());
      // Without more demand nothing further is delivered, even if the source offers it.
      sub.expectNoMessage(Duration.ofMillis(50));
      sub.cancel();
      pub.expectCancellation();
    } finally {
      system.terminate();
    }
  }
}
