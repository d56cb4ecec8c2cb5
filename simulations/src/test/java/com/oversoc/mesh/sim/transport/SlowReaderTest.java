package com.oversoc.mesh.sim.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.time.ManualClock;
import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.StreamOpenException;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.TransportEvent;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import com.oversoc.mesh.sim.link.LinkProfile;
import com.oversoc.mesh.sim.link.Scheduler;
import com.oversoc.mesh.sim.link.SimulatedLink;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A gateway application that reads far slower than the link: for an hour of virtual time the
 * platform's writer is held back by credit, so the bytes buffered on each side stay within the
 * configured windows, while every byte still arrives in order.
 */
class SlowReaderTest {
  static final long MS = 1_000_000L;
  static final long HOUR = 3_600_000 * MS;
  static final long STREAM_WINDOW = 1L << 20;
  static final long CONNECTION_WINDOW = 2L << 20;
  static final long SEND_BUFFER = 1L << 20;
  static final int READ_CHUNK = 8 * 1024;
  static final long READ_PERIOD = 100 * MS;
  /** Content of byte {@code i}: a prime period catches any lost, repeated or shifted byte. */
  static final int PERIOD = 251;

  long written;
  long read;
  long maxSendBuffered;
  long maxReceiveBuffered;
  long maxWrittenAhead;
  long streamId = -1;
  boolean corrupt;

  @Test
  void slowConsumerBoundsSenderBufferingForAnHour() throws StreamOpenException {
    TransportConfig config = TransportConfig.defaults().withWindows(STREAM_WINDOW, CONNECTION_WINDOW, SEND_BUFFER);
    Scheduler scheduler = new Scheduler(new ManualClock());
    SplittableRandom seeds = new SplittableRandom(3);
    LinkProfile link = LinkProfile.of(100, 20);
    SimulatedLink up = new SimulatedLink(scheduler, link, seeds.split());
    SimulatedLink down = new SimulatedLink(scheduler, link, seeds.split());
    Connection platform = Connection.platform(config, seeds.split(), 0);
    Connection gateway = Connection.gateway(config, platform.connectionId(), seeds.split(), 0);
    SimulatedEndpoint p = new SimulatedEndpoint(scheduler, platform);
    SimulatedEndpoint g = new SimulatedEndpoint(scheduler, gateway);
    p.sendTo(up, g);
    g.sendTo(down, p);
    p.setApplication((e, ep) -> {
      if (e instanceof TransportEvent.StreamWritable) {
        pump(ep.connection(), ep.now());
      }
    });
    g.setApplication((e, ep) -> {
      if (e instanceof TransportEvent.StreamOpened o) {
        ep.connection().answerOpen(o.streamId(), StreamOpenResult.OK, ep.now());
      }
    });
    streamId = platform.openStream("192.0.2.20", 443, 0);
    pump(platform, 0);
    p.service();
    scheduleRead(scheduler, g);
    scheduleSample(scheduler, platform, gateway);

    scheduler.runFor(HOUR);

    long expected = HOUR / READ_PERIOD * READ_CHUNK;
    System.out.printf("TRANSPORT slow reader, 1 h virtual: read %d MiB, max sender buffered %d KiB, max receiver buffered"
        + " %d KiB, max written ahead of the reader %d KiB%n", read >> 20, maxSendBuffered >> 10,
        maxReceiveBuffered >> 10, maxWrittenAhead >> 10);
    assertTrue(!corrupt, "bytes arrived out of order or changed");
    assertTrue(read >= expected * 99 / 100, "reader starved: read " + read + " of " + expected);
    assertTrue(maxSendBuffered <= SEND_BUFFER, "sender buffered " + maxSendBuffered + " > " + SEND_BUFFER);
    assertTrue(maxReceiveBuffered <= STREAM_WINDOW, "receiver buffered " + maxReceiveBuffered + " > " + STREAM_WINDOW);
    assertTrue(maxWrittenAhead <= SEND_BUFFER + STREAM_WINDOW,
        "writer got " + maxWrittenAhead + " bytes ahead of the reader, more than both windows");
    assertEquals(1, gateway.streamCount());
  }

  private void pump(Connection c, long now) {
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    while (true) {
      chunk.clear();
      for (int i = 0; i < chunk.capacity(); i++) {
        chunk.put((byte) ((written + i) % PERIOD));
      }
      chunk.flip();
      int n = c.write(streamId, chunk, now);
      written += n;
      if (chunk.hasRemaining()) {
        return;
      }
    }
  }

  private void scheduleRead(Scheduler scheduler, SimulatedEndpoint g) {
    scheduler.after(READ_PERIOD, () -> {
      ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
      Connection c = g.connection();
      while (buf.hasRemaining() && c.streamCount() > 0 && c.read(streamId, buf, scheduler.now()) > 0) {
        // read what is there, up to one chunk per period
      }
      buf.flip();
      while (buf.hasRemaining()) {
        if (buf.get() != (byte) (read % PERIOD)) {
          corrupt = true;
        }
        read++;
      }
      g.service();
      scheduleRead(scheduler, g);
    });
  }

  private void scheduleSample(Scheduler scheduler, Connection platform, Connection gateway) {
    scheduler.after(10 * MS, () -> {
      maxSendBuffered = Math.max(maxSendBuffered, platform.sendBufferedBytes());
      maxReceiveBuffered = Math.max(maxReceiveBuffered, gateway.receiveBufferedBytes());
      maxWrittenAhead = Math.max(maxWrittenAhead, written - read);
      scheduleSample(scheduler, platform, gateway);
    });
  }
}
