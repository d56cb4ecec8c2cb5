package com.oversoc.mesh.protocol.netcheck;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.stun.StunResponder;
import com.oversoc.mesh.protocol.stun.TransportAddress;
import com.oversoc.mesh.protocol.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;

/**
 * A fake network of STUN servers for netcheck tests, in manual time: each server answers with a
 * real {@link StunResponder} after its round-trip time, as if it saw this node at the endpoint
 * the test's NAT gives it, unless the test drops the request.
 */
final class StunNetwork {
  static TransportAddress address(String text) {
    int colon = text.lastIndexOf(':');
    return new TransportAddress(IpLiteral.parse(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
  }

  private static final StunResponder RELAY = new StunResponder("fake relay", Optional.empty());

  /** A server's answer to a request it saw coming from {@code mapped}. */
  @FunctionalInterface
  interface Answer {
    Optional<byte[]> to(byte[] request, TransportAddress mapped);
  }

  /** How one server behaves. */
  static final class Server {
    /** The round-trip time of the n-th request to this server (1-based). */
    IntFunction<Duration> rtt;
    /** The endpoint the server sees this node at. */
    TransportAddress mapped;
    /** Whether the n-th request to this server (1-based), sent at the given time, or its answer is lost. */
    BiPredicate<Integer, Long> drop = (n, at) -> false;
    /** What the server answers: the relay's responder by default. */
    Answer answer = (request, mapped) -> RELAY.answer(request, request.length, mapped).reply();
    int requests;

    Server(Duration rtt, TransportAddress mapped) {
      this.rtt = n -> rtt;
      this.mapped = mapped;
    }
  }

  private record Arrival(long atNanos, long order, byte[] datagram) {}

  /** A datagram the round sent, for assertions on the schedule. */
  record Sent(long atMillis, TransportAddress to) {}

  final ManualClock clock = new ManualClock();
  final Map<TransportAddress, Server> servers = new HashMap<>();
  final List<Sent> sent = new ArrayList<>();
  private final PriorityQueue<Arrival> arrivals = new PriorityQueue<>(
      Comparator.comparingLong(Arrival::atNanos).thenComparingLong(Arrival::order));
  private long order;

  Server server(String address, Duration rtt, String mapped) {
    Server s = new Server(rtt, address(mapped));
    servers.put(address(address), s);
    return s;
  }

  /** Delivers a datagram to the round at {@code atNanos}, whatever the servers do (a late or foreign one). */
  void inject(long atNanos, byte[] datagram) {
    arrivals.add(new Arrival(atNanos, order++, datagram));
  }

  /** Runs the round from now to its end and returns its report. */
  Report run(Netcheck round) {
    send(round.start(clock.nanos()));
    while (!round.isDone()) {
      Arrival next = arrivals.peek();
      if (next != null && next.atNanos <= round.nextTickNanos()) {
        arrivals.poll();
        clock.advanceTo(next.atNanos);
        round.onDatagram(next.datagram, next.datagram.length, clock.nanos());
      } else {
        clock.advanceTo(round.nextTickNanos());
        send(round.onTick(clock.nanos()));
      }
    }
    return round.report();
  }

  private void send(List<Netcheck.Send> datagrams) {
    for (Netcheck.Send s : datagrams) {
      sent.add(new Sent(Duration.ofNanos(clock.nanos()).toMillis(), s.to()));
      Server server = servers.get(s.to());
      if (server == null) {
        continue;
      }
      server.requests++;
      if (server.drop.test(server.requests, clock.nanos())) {
        continue;
      }
      long arrival = clock.nanos() + server.rtt.apply(server.requests).toNanos();
      server.answer.to(s.datagram(), server.mapped).ifPresent(r -> inject(arrival, r));
    }
  }

  /** The datagrams sent to {@code to}, by time in milliseconds. */
  List<Long> sentTo(String to) {
    TransportAddress a = address(to);
    return sent.stream().filter(s -> s.to().equals(a)).map(Sent::atMillis).toList();
  }
}
