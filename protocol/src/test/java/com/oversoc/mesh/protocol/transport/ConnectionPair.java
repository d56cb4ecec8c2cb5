package com.oversoc.mesh.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

/**
 * A platform and a gateway connection joined in memory with a fixed one-way delay, driven in
 * virtual time: the whole-connection counterpart of wireguard-go's paired in-memory devices.
 * Events are collected per side; a drop rule can discard datagrams in either direction.
 */
final class ConnectionPair {
  static final long ONE_WAY_DELAY = 5_000_000L;

  private record InFlight(long at, long seq, boolean toGateway, byte[] datagram) {}

  final ManualClock clock = new ManualClock();
  final Connection platform;
  final Connection gateway;
  final List<TransportEvent> platformEvents = new ArrayList<>();
  final List<TransportEvent> gatewayEvents = new ArrayList<>();
  final List<byte[]> sentByPlatform = new ArrayList<>();
  final List<byte[]> sentByGateway = new ArrayList<>();
  /** (toGateway, datagram) -> true to drop it. */
  BiPredicate<Boolean, byte[]> drop = (toGateway, d) -> false;
  private final PriorityQueue<InFlight> wire = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long seq;

  ConnectionPair(TransportConfig config) {
    SplittableRandom random = new SplittableRandom(42);
    platform = Connection.platform(config, random.split(), 0);
    gateway = Connection.gateway(config, platform.connectionId(), random.split(), 0);
  }

  ConnectionPair() {
    this(TransportConfig.defaults());
  }

  long now() {
    return clock.nanos();
  }

  /** Injects a raw datagram as if the platform had sent it. */
  void injectToGateway(byte[] datagram) {
    wire.add(new InFlight(now(), seq++, true, datagram));
  }

  void injectToPlatform(byte[] datagram) {
    wire.add(new InFlight(now(), seq++, false, datagram));
  }

  /** Runs both connections for {@code nanos} of virtual time. */
  void run(long nanos) {
    long end = now() + nanos;
    while (true) {
      long pDeadline = service(platform, true);
      long gDeadline = service(gateway, false);
      long next = Math.min(Math.min(pDeadline, gDeadline), wire.isEmpty() ? Long.MAX_VALUE : wire.peek().at);
      if (next > end) {
        clock.advanceTo(end);
        service(platform, true);
        service(gateway, false);
        return;
      }
      clock.advanceTo(next);
      while (!wire.isEmpty() && wire.peek().at <= now()) {
        InFlight f = wire.poll();
        (f.toGateway ? gateway : platform).onDatagram(f.datagram, now());
      }
    }
  }

  /** Runs until nothing is in flight and no timer is due within a second. */
  void settle() {
    run(1_000_000_000L);
  }

  private long service(Connection c, boolean isPlatform) {
    Poll poll = c.poll(now());
    for (byte[] d : poll.datagrams()) {
      assertTrue(d.length <= TransportSpec.MAX_PACKET_SIZE, "datagram of " + d.length + " bytes");
      (isPlatform ? sentByPlatform : sentByGateway).add(d);
      if (!drop.test(isPlatform, d)) {
        wire.add(new InFlight(now() + ONE_WAY_DELAY, seq++, isPlatform, d));
      }
    }
    (isPlatform ? platformEvents : gatewayEvents).addAll(c.takeEvents());
    return poll.nextDeadline();
  }

  <T extends TransportEvent> List<T> events(boolean ofPlatform, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (TransportEvent e : ofPlatform ? platformEvents : gatewayEvents) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }
}
