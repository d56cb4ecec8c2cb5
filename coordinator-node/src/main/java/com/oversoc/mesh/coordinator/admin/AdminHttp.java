package com.oversoc.mesh.coordinator.admin;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The admin API over HTTP (pekko-http): every request goes to {@link AdminApi} on the blocking
 * executor. Bodies are capped; the API binds to loopback unless configured otherwise, because
 * the token is a bearer secret and the listener speaks plain HTTP (put TLS in front, or reach it
 * over SSH, when it must leave the machine).
 */
public final class AdminHttp extends AllDirectives {
  /** Largest request body (a policy document is a few kilobytes). */
  public static final long MAX_BODY_BYTES = 256 * 1024;

  private final AdminApi api;
  private final Executor blocking;

  private AdminHttp(AdminApi api, Executor blocking) {
    this.api = api;
    this.blocking = blocking;
  }

  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, AdminApi api, String address, int port) {
    AdminHttp http = new AdminHttp(api, system.dispatchers().lookup(DispatcherSelector.blocking()));
    return Http.get(system).newServerAt(address, port).bind(http.route());
  }

  Route route() {
    return withSizeLimit(MAX_BODY_BYTES, () -> extractRequest(request ->
        entity(Unmarshaller.entityToString(), body ->
            onSuccess(CompletableFuture.supplyAsync(() -> call(request, body), blocking), r ->
                complete(HttpResponse.create()
                    .withStatus(StatusCodes.get(r.status()))
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, r.json())))))));
  }

  private AdminApi.Response call(HttpRequest request, String body) {
    Map<String, String> query = request.getUri().query().toMap();
    Optional<String> auth = request.getHeader("Authorization").map(h -> h.value());
    return api.handle(request.method().value(), request.getUri().path(), query, auth, body);
  }
}
