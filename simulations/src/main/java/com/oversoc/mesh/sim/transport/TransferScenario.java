package com.oversoc.mesh.sim.transport;

import com.oversoc.mesh.protocol.time.ManualClock;
import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.ConnectionStats;
import com.oversoc.mesh.protocol.transport.StreamOpenException;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.TransportEvent;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import com.oversoc.mesh.sim.link.LinkProfile;
import com.oversoc.mesh.sim.link.LinkStats;
import com.oversoc.mesh.sim.link.Scheduler;
import com.oversoc.mesh.sim.link.SimulatedLink;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A platform and a gateway connected by two simulated link directions; the platform opens
 * {@code streams} streams to a target, and both sides send {@code bytesPerDirection} bytes in
 * total (split evenly over the streams) and finish. Every received stream is checked against
 * the SHA-256 of what was sent; goodput and the longest stall of any stream are measured.
 */
public final class TransferScenario {
  /** Goodput is measured between these fractions of the transfer: the window has opened by then. */
  public static final double GOODPUT_FROM = 0.10;
  public static final double GOODPUT_TO = 0.90;
  private static final int PATTERN_LENGTH = (1 << 20) + 13;
  private static final byte[] PATTERN = pattern();
  private static final Map<String, byte[]> EXPECTED = new ConcurrentHashMap<>();

  /** From {@code atNanos} on, the links behave as {@code up} and {@code down} (a path switch). */
  public record PathChange(long atNanos, LinkProfile up, LinkProfile down) {}

  /**
   * @param up platform to gateway, from the start
   * @param down gateway to platform, from the start
   * @param changes path switches during the run, in time order
   */
  public record Setup(
      LinkProfile up, LinkProfile down, TransportConfig config, int streams, long bytesPerDirection,
      long seed, long timeLimitNanos, List<PathChange> changes) {

    public Setup {
      changes = List.copyOf(changes);
    }

    public static Setup symmetric(LinkProfile link, TransportConfig config, int streams, long bytesPerDirection,
        long seed, long timeLimitNanos) {
      return new Setup(link, link, config, streams, bytesPerDirection, seed, timeLimitNanos, List.of());
    }

    /** Adds a switch of both directions to {@code after} at {@code atNanos}. */
    public Setup withSwitch(long atNanos, LinkProfile after) {
      List<PathChange> more = new ArrayList<>(changes);
      more.add(new PathChange(atNanos, after, after));
      return new Setup(up, down, config, streams, bytesPerDirection, seed, timeLimitNanos, more);
    }
  }

  /** Per direction: bytes, goodput, stalls, digests. */
  public record Direction(long bytes, double goodputBitsPerSecond, long maxStallNanos, int streamsVerified,
      List<String> mismatches, long finishedAtNanos) {}

  public record Result(boolean completed, long virtualNanos, Direction up, Direction down,
      ConnectionStats platform, ConnectionStats gateway, LinkStats upLink, LinkStats downLink, long events) {}

  private TransferScenario() {}

  /** Runs one platform-gateway pair over two fresh links until both directions are verified or time runs out. */
  public static Result run(Setup setup) {
    Scheduler scheduler = new Scheduler(new ManualClock());
    SplittableRandom seeds = new SplittableRandom(setup.seed);
    SimulatedLink upLink = new SimulatedLink(scheduler, setup.up, seeds.split());
    SimulatedLink downLink = new SimulatedLink(scheduler, setup.down, seeds.split());
    for (PathChange change : setup.changes) {
      scheduler.at(change.atNanos(), () -> {
        upLink.setProfile(change.up());
        downLink.setProfile(change.down());
      });
    }
    Pair pair = new Pair(scheduler, upLink, downLink, setup.config, setup.streams, setup.bytesPerDirection,
        setup.bytesPerDirection, seeds.split());
    pair.start();
    boolean completed = scheduler.runUntil(pair::done, setup.timeLimitNanos);
    return new Result(completed, scheduler.now(), pair.up(), pair.down(), pair.platform().stats(),
        pair.gateway().stats(), upLink.stats(), downLink.stats(), scheduler.executed());
  }

  /**
   * A platform and a gateway on a shared scheduler and links: the platform opens the streams and
   * sends {@code upBytes} in total, the gateway accepts and sends {@code downBytes} back. Several
   * pairs on the same links share their bottleneck.
   */
  public static final class Pair {
    private final Scheduler scheduler;
    private final SimulatedEndpoint platformEndpoint;
    private final SimulatedEndpoint gatewayEndpoint;
    private final int streams;
    private final long upPerStream;
    private final long downPerStream;
    private final Receiver upReceiver;
    private final Receiver downReceiver;
    private final Map<Long, Writer> platformWriters = new HashMap<>();
    private final Map<Long, Writer> gatewayWriters = new HashMap<>();

    public Pair(Scheduler scheduler, SimulatedLink upLink, SimulatedLink downLink, TransportConfig config,
        int streams, long upBytes, long downBytes, SplittableRandom random) {
      this.scheduler = scheduler;
      this.streams = streams;
      this.upPerStream = upBytes / streams;
      this.downPerStream = downBytes / streams;
      long now = scheduler.now();
      Connection platform = Connection.platform(config, random.split(), now);
      Connection gateway = Connection.gateway(config, platform.connectionId(), random.split(), now);
      platformEndpoint = new SimulatedEndpoint(scheduler, platform);
      gatewayEndpoint = new SimulatedEndpoint(scheduler, gateway);
      platformEndpoint.sendTo(upLink, gatewayEndpoint);
      gatewayEndpoint.sendTo(downLink, platformEndpoint);
      upReceiver = new Receiver(streams, upPerStream, 0);
      downReceiver = new Receiver(streams, downPerStream, 1);
      platformEndpoint.setApplication(this::onPlatformEvent);
      gatewayEndpoint.setApplication(this::onGatewayEvent);
    }

    /** Opens the streams and starts writing, at the scheduler's current time. */
    public void start() {
      Connection platform = platformEndpoint.connection();
      long now = scheduler.now();
      for (int i = 0; i < streams; i++) {
        try {
          long id = platform.openStream("192.0.2.10", 8443, now);
          Writer w = new Writer(id, upPerStream, 0);
          platformWriters.put(id, w);
          w.pump(platform, now);
        } catch (StreamOpenException e) {
          throw new IllegalStateException(e);
        }
      }
      platformEndpoint.service();
    }

    public boolean done() {
      return upReceiver.done() && downReceiver.done();
    }

    public Connection platform() {
      return platformEndpoint.connection();
    }

    public Connection gateway() {
      return gatewayEndpoint.connection();
    }

    /** Stream bytes the gateway has read so far. */
    public long receivedUp() {
      return upReceiver.received;
    }

    /** Stream bytes the platform has read so far. */
    public long receivedDown() {
      return downReceiver.received;
    }

    public Direction up() {
      return upReceiver.direction();
    }

    public Direction down() {
      return downReceiver.direction();
    }

    private void onPlatformEvent(TransportEvent e, SimulatedEndpoint ep) {
      Connection c = ep.connection();
      switch (e) {
        case TransportEvent.StreamWritable w -> platformWriters.get(w.streamId()).pump(c, ep.now());
        case TransportEvent.StreamReadable r -> downReceiver.drain(c, r.streamId(), ep.now());
        default -> { }
      }
    }

    private void onGatewayEvent(TransportEvent e, SimulatedEndpoint ep) {
      Connection c = ep.connection();
      switch (e) {
        case TransportEvent.StreamOpened o -> {
          c.answerOpen(o.streamId(), StreamOpenResult.OK, ep.now());
          Writer w = new Writer(o.streamId(), downPerStream, 1);
          gatewayWriters.put(o.streamId(), w);
          w.pump(c, ep.now());
        }
        case TransportEvent.StreamWritable w -> gatewayWriters.get(w.streamId()).pump(c, ep.now());
        case TransportEvent.StreamReadable r -> upReceiver.drain(c, r.streamId(), ep.now());
        default -> { }
      }
    }
  }

  /** Writes a stream's share of the pattern as fast as the connection accepts it, then FIN. */
  private static final class Writer {
    private final long streamId;
    private final long total;
    private final int start;
    private long written;
    private boolean finished;

    Writer(long streamId, long total, int direction) {
      this.streamId = streamId;
      this.total = total;
      this.start = patternStart(streamId, direction);
    }

    void pump(Connection c, long now) {
      while (written < total) {
        int pos = (int) ((start + written) % PATTERN_LENGTH);
        int len = (int) Math.min(total - written, PATTERN_LENGTH - pos);
        int n = c.write(streamId, ByteBuffer.wrap(PATTERN, pos, len), now);
        written += n;
        if (n < len) {
          return;
        }
      }
      if (!finished) {
        finished = true;
        c.finish(streamId, now);
      }
    }
  }

  /** Reads every stream of one direction, hashing, and tracks progress over time. */
  private static final class Receiver {
    private final long perStream;
    private final int direction;
    private final long total;
    private final Map<Long, MessageDigest> digests = new HashMap<>();
    private final Map<Long, Long> counts = new HashMap<>();
    private final Map<Long, Long> lastProgress = new HashMap<>();
    private final List<String> mismatches = new ArrayList<>();
    private final ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
    private long received;
    private long maxStall;
    private int verified;
    private long fromTime = -1;
    private long toTime = -1;
    private long finishedAt = -1;
    private final int streams;

    Receiver(int streams, long perStream, int direction) {
      this.streams = streams;
      this.perStream = perStream;
      this.direction = direction;
      this.total = perStream * streams;
    }

    boolean done() {
      return verified + mismatches.size() == streams;
    }

    void drain(Connection c, long streamId, long now) {
      MessageDigest md = digests.computeIfAbsent(streamId, id -> sha256());
      long last = lastProgress.getOrDefault(streamId, 0L);
      while (true) {
        buf.clear();
        int n = c.read(streamId, buf, now);
        if (n > 0) {
          md.update(buf.array(), 0, n);
          counts.merge(streamId, (long) n, Long::sum);
          received += n;
          maxStall = Math.max(maxStall, now - last);
          last = now;
          lastProgress.put(streamId, now);
          if (fromTime < 0 && received >= total * GOODPUT_FROM) {
            fromTime = now;
          }
          if (toTime < 0 && received >= total * GOODPUT_TO) {
            toTime = now;
          }
        } else {
          if (n < 0) {
            finishStream(streamId, md, now);
          }
          return;
        }
      }
    }

    private void finishStream(long streamId, MessageDigest md, long now) {
      long count = counts.getOrDefault(streamId, 0L);
      byte[] expected = expectedDigest(streamId, perStream, direction);
      if (count == perStream && Arrays.equals(md.digest(), expected)) {
        verified++;
      } else {
        mismatches.add("stream " + streamId + ": " + count + " bytes of " + perStream + ", digest "
            + (count == perStream ? "differs" : "not compared"));
      }
      if (done()) {
        finishedAt = now;
      }
    }

    Direction direction() {
      double goodput = toTime > fromTime && fromTime >= 0
          ? (total * (GOODPUT_TO - GOODPUT_FROM)) * 8.0 * 1e9 / (toTime - fromTime) : 0;
      return new Direction(received, goodput, maxStall, verified, List.copyOf(mismatches), finishedAt);
    }
  }

  private static int patternStart(long streamId, int direction) {
    return (int) ((streamId * 7919 + direction * 104_729L) % PATTERN_LENGTH);
  }

  private static byte[] expectedDigest(long streamId, long length, int direction) {
    return EXPECTED.computeIfAbsent(streamId + "/" + length + "/" + direction, k -> {
      MessageDigest md = sha256();
      long done = 0;
      int start = patternStart(streamId, direction);
      while (done < length) {
        int pos = (int) ((start + done) % PATTERN_LENGTH);
        int len = (int) Math.min(length - done, PATTERN_LENGTH - pos);
        md.update(PATTERN, pos, len);
        done += len;
      }
      return md.digest();
    });
  }

  private static byte[] pattern() {
    byte[] p = new byte[PATTERN_LENGTH];
    new SplittableRandom(0x5eed).nextBytes(p);
    return p;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
