package com.oversoc.mesh.actors.edge;

import com.oversoc.mesh.actors.transport.IncomingStream;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of a stream: check the target against the policy, dial it with Pekko Streams
 * TCP, and only then answer the platform: OK and the bytes flow (backpressured both ways: the
 * target socket, the mesh stream's credit, the platform's client), or the typed reason the
 * connection could not be made.
 */
public final class TargetDialer {
  private static final Logger LOG = LoggerFactory.getLogger(TargetDialer.class);

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final TargetPolicy policy;
  private final Duration connectTimeout;
  private final LongAdder accepted = new LongAdder();
  private final LongAdder refused = new LongAdder();

  public TargetDialer(ActorSystem<?> system, TargetPolicy policy, Duration connectTimeout) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.policy = policy;
    this.connectTimeout = connectTimeout;
  }

  /** Handles one stream a platform opened (call from anywhere; it does not block). */
  public void handle(IncomingStream stream) {
    Optional<String> refusal = policy.refusal(stream.target(), stream.port());
    if (refusal.isPresent()) {
      refused.increment();
      LOG.info("stream to {}:{} refused: {}", stream.target(), stream.port(), refusal.get());
      stream.reject(StreamOpenResult.POLICY_DENIED);
      return;
    }
    InetSocketAddress target = new InetSocketAddress(stream.target().toInetAddress(), stream.port());
    // The target's two directions as reactive-streams ends, so the mesh stream can be joined to
    // them once the connection is up, and not before.
    Pair<Pair<Subscriber<ByteString>, CompletionStage<Tcp.OutgoingConnection>>, Publisher<ByteString>> socket =
        Source.<ByteString>asSubscriber()
            .viaMat(Tcp.get(system).outgoingConnection(target, Optional.empty(), List.of(), true,
                Optional.of(connectTimeout), Optional.empty()), Keep.both())
            .toMat(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), Keep.both())
            .run(materializer);
    socket.first().second().whenComplete((connection, failure) -> {
      if (failure != null) {
        StreamOpenResult reason = reasonFor(failure);
        refused.increment();
        LOG.info("stream to {}:{}: {} ({})", stream.target(), stream.port(), reason, rootMessage(failure));
        stream.reject(reason);
        return;
      }
      accepted.increment();
      Source.fromPublisher(socket.second())
          .via(stream.accept())
          .to(Sink.fromSubscriber(socket.first().first()))
          .run(materializer);
    });
  }

  /** Streams joined to their target so far. */
  public long accepted() {
    return accepted.sum();
  }

  /** Streams refused (policy) or whose target could not be reached. */
  public long refused() {
    return refused.sum();
  }

  /** The typed answer for a failed connect, from the cause the JDK gave. */
  static StreamOpenResult reasonFor(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (t instanceof SocketTimeoutException || m.contains("timed out") || m.contains("timeout")) {
        return StreamOpenResult.TIMEOUT;
      }
      if (m.contains("network is unreachable")) {
        return StreamOpenResult.NETWORK_UNREACHABLE;
      }
      if (t instanceof NoRouteToHostException || m.contains("no route to host") || m.contains("host is unreachable")) {
        return StreamOpenResult.UNREACHABLE;
      }
      if (m.contains("protocol family unavailable") || m.contains("address family not supported")) {
        return StreamOpenResult.ADDRESS_FAMILY_UNSUPPORTED;
      }
      if (t instanceof ConnectException || m.contains("connection refused")) {
        return StreamOpenResult.REFUSED;
      }
    }
    return StreamOpenResult.UNREACHABLE;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.toString();
  }
}
