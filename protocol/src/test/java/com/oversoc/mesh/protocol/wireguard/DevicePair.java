package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Two devices joined by an in-memory network on one manual clock: "a" and "b" are their
 * addresses. {@link #pump()} carries datagrams until nothing is in flight; an optional filter can
 * drop (return null) or alter datagrams on the way. Tests read what each side received and
 * which events it saw.
 */
final class DevicePair {
  static final SourceAddress<String> ADDRESSES = new SourceAddress<>() {
    @Override
    public byte[] cookieBytes(String address) {
      return address.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object rateLimitKey(String address) {
      return address;
    }
  };

  /** One side: its device and what came out of it. */
  final class Side implements Device.Output<String> {
    final String address;
    final NodePrivateKey key;
    final Device<String> device;
    final List<byte[]> received = new ArrayList<>();
    final List<PeerEvent> events = new ArrayList<>();
    final List<byte[]> sent = new ArrayList<>();
    final List<ReceiveResult> results = new ArrayList<>();
    int backlog;

    Side(String address, SecureRandom random) {
      this.address = address;
      this.key = NodePrivateKey.generate(random);
      this.device = new Device<>(key, random, clock, ADDRESSES, new LoadMonitor(), () -> backlog);
    }

    @Override
    public void transmit(String to, byte[] datagram) {
      sent.add(datagram);
      network.add(new InFlight(address, to, datagram));
    }

    @Override
    public void deliver(Peer from, byte[] packet) {
      received.add(packet);
    }

    @Override
    public void event(Peer peer, PeerEvent event) {
      events.add(event);
    }

    Peer peer() {
      return device.peers().iterator().next();
    }

    void send(byte[] packet) {
      device.send(other(this).key.publicKey(), packet, clock.nanos(), this);
    }

    ReceiveResult lastResult() {
      return results.get(results.size() - 1);
    }
  }

  record InFlight(String from, String to, byte[] datagram) {}

  final ManualClock clock = new ManualClock();
  final ArrayDeque<InFlight> network = new ArrayDeque<>();
  final Side a;
  final Side b;
  UnaryOperator<InFlight> filter = UnaryOperator.identity();

  DevicePair(long seed) {
    SecureRandom random = seeded(seed);
    a = new Side("a", random);
    b = new Side("b", random);
  }

  /** Both sides know each other, with endpoints, and both may initiate. */
  static DevicePair connected(long seed) {
    DevicePair p = new DevicePair(seed);
    p.a.device.addPeer(PeerConfig.of(p.b.key.publicKey()));
    p.b.device.addPeer(PeerConfig.of(p.a.key.publicKey()));
    p.a.device.setEndpoint(p.b.key.publicKey(), "b");
    p.b.device.setEndpoint(p.a.key.publicKey(), "a");
    return p;
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  Side other(Side s) {
    return s == a ? b : a;
  }

  Side at(String address) {
    return a.address.equals(address) ? a : b;
  }

  /** Delivers datagrams (and what they cause) until none is in flight; returns how many. */
  int pump() {
    int n = 0;
    while (!network.isEmpty()) {
      InFlight f = filter.apply(network.pollFirst());
      if (f == null) {
        continue;
      }
      Side to = at(f.to());
      to.results.add(to.device.receive(f.datagram(), f.datagram().length, f.from(), clock.nanos(), to));
      n++;
    }
    return n;
  }

  /** Runs both devices' timers at the current time. */
  void poll() {
    a.device.poll(clock.nanos(), a);
    b.device.poll(clock.nanos(), b);
  }

  /** Advances the clock in steps no longer than {@code step}, firing timers and pumping at each. */
  void run(Duration total, Duration step) {
    long end = clock.nanos() + total.toNanos();
    while (clock.nanos() < end) {
      long next = Math.min(end, Math.min(clock.nanos() + step.toNanos(),
          Math.min(a.device.nextDeadline(), b.device.nextDeadline())));
      clock.advanceTo(next);
      poll();
      pump();
    }
  }

  /** Drops the next datagrams for which {@code dropIf} holds, delivering the rest. */
  static UnaryOperator<InFlight> dropping(java.util.function.Predicate<InFlight> dropIf) {
    return f -> dropIf.test(f) ? null : f;
  }

  static int type(byte[] datagram) {
    return datagram[0];
  }
}
