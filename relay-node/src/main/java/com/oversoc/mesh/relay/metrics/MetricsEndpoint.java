package com.oversoc.mesh.relay.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.Route;

/** Serves {@code GET /metrics} in the Prometheus text format with pekko-http. */
public final class MetricsEndpoint {
  private MetricsEndpoint() {}

  public static Route route(RelayMetrics metrics) {
    return path("metrics", () -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.render()))));
  }

  /** Binds the endpoint; the binding's {@code unbind()} stops it. */
  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, InetSocketAddress address,
      RelayMetrics metrics) {
    return Http.get(system).newServerAt(address.getHostString(), address.getPort()).bind(route(metrics));
  }
}
