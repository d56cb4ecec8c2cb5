package com.oversoc.mesh.relay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.ActorSystems;
import com.oversoc.mesh.actors.relay.DropReason;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static final ActorTestKit KIT = ActorTestKit.create(ActorSystems.pekkoConfig(ConfigFactory.empty()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void servesThePrometheusTextFormat() throws Exception {
    RelayMetrics metrics = new RelayMetrics();
    metrics.clientQueues.enqueued(3);
    metrics.clientQueues.enqueued(40);
    metrics.clientQueues.dropped(DropReason.QUEUE_FULL, 1205);
    metrics.clientQueues.written(2, 2410);
    ServerBinding binding = MetricsEndpoint.bind(KIT.system(), new InetSocketAddress("127.0.0.1", 0), metrics)
        .toCompletableFuture().join();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      String body = r.body();
      assertTrue(body.contains("ovsgw_relay_packets_dropped_total{reason=\"queue_full\"} 1\n"), body);
      assertTrue(body.contains("ovsgw_relay_bytes_dropped_total{reason=\"queue_full\"} 1205\n"), body);
      assertTrue(body.contains("ovsgw_relay_packets_forwarded_total 2\n"), body);
      assertTrue(body.contains("ovsgw_relay_packet_writes_total 1\n"), body);
      assertTrue(body.contains("ovsgw_relay_send_queue_depth_bucket{le=\"4\"} 1\n"), body);
      assertTrue(body.contains("ovsgw_relay_send_queue_depth_bucket{le=\"32\"} 1\n"), body);
      assertTrue(body.contains("ovsgw_relay_send_queue_depth_bucket{le=\"+Inf\"} 2\n"), body);
      assertTrue(body.contains("ovsgw_relay_send_queue_depth_sum 43\n"), body);
      assertTrue(body.contains("# TYPE ovsgw_relay_send_queue_depth histogram\n"), body);
      HttpResponse<String> missing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/other")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
    } finally {
      binding.unbind().toCompletableFuture().join();
    }
  }
}
