package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.time.MonotonicClock;
import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.ConnectionError;
import com.oversoc.mesh.protocol.transport.Poll;
import com.oversoc.mesh.protocol.transport.StreamOpenException;
import com.oversoc.mesh.protocol.transport.StreamStateException;
import com.oversoc.mesh.protocol.transport.TransportEvent;
import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * Owns one {@link Connection}: every datagram, timer and stream request is a message, so the
 * pure state machine only ever runs on this actor's thread. After each message it polls the
 * connection, hands datagrams to the {@link DatagramLink}, routes events to the stream stages
 * and arms a single timer for the next deadline.
 */
final class ConnectionActor extends AbstractBehavior<ConnectionActor.Command> {
  /** Largest chunk handed to a stream's downstream per pull. */
  static final int READ_CHUNK = 64 * 1024;
  /**
   * Deadlines closer than this are served by a message to self instead of a timer: the
   * scheduler's tick is far coarser than pacing gaps, and a late timer would turn pacing into
   * bursts.
   */
  static final long MIN_TIMER_NANOS = 1_000_000L;
  private static final Object DEADLINE = "deadline";

  interface Command {}

  record DatagramIn(byte[] datagram) implements Command {}

  record OpenStream(IpLiteral target, int port, StageLink stage) implements Command {}

  record Answer(long streamId, StreamOpenResult result) implements Command {}

  record Attach(long streamId, StageLink stage) implements Command {}

  record Write(long streamId, ByteString bytes) implements Command {}

  record Finish(long streamId) implements Command {}

  record Pull(long streamId) implements Command {}

  /** The downstream cancelled: stop receiving (STOP_SENDING). */
  record StopReading(long streamId, StreamErrorCode code) implements Command {}

  /** The upstream failed: abandon sending (RESET_STREAM). */
  record AbortWriting(long streamId, StreamErrorCode code) implements Command {}

  record Close(ConnectionError error, String reason) implements Command {}

  /** The datagram channel below was remade: probe for what is unacknowledged now. */
  record ChannelRenewed() implements Command {}

  /** Close (if still open), tell the peer and every stream, and stop the actor. */
  record Stop(ConnectionError error, String reason) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** A stream's stage and what it is waiting for. */
  private static final class Binding {
    final StageLink stage;
    boolean pullPending;
    ByteBuffer pendingWrite;
    /** FIN requested while bytes were still waiting for room: send it after them. */
    boolean finishAfterWrite;

    Binding(StageLink stage) {
      this.stage = stage;
    }
  }

  private final Connection connection;
  private final DatagramLink link;
  private final MonotonicClock clock;
  private final TimerScheduler<Command> timers;
  private final Consumer<IncomingStream> onIncoming;
  private final TransportConnection facade;
  private final Map<Long, Binding> bindings = new HashMap<>();
  private boolean selfTickQueued;

  private ConnectionActor(ActorContext<Command> context, TimerScheduler<Command> timers, Connection connection,
      DatagramLink link, MonotonicClock clock, Consumer<IncomingStream> onIncoming, TransportConnection facade) {
    super(context);
    this.connection = connection;
    this.link = link;
    this.clock = clock;
    this.timers = timers;
    this.onIncoming = onIncoming;
    this.facade = facade;
    link.setReceiver(d -> context.getSelf().tell(new DatagramIn(d)));
  }

  static Behavior<Command> create(Connection connection, DatagramLink link, MonotonicClock clock,
      Consumer<IncomingStream> onIncoming, TransportConnection facade) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new ConnectionActor(ctx, timers, connection, link, clock, onIncoming, facade)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(DatagramIn.class, m -> step(() -> connection.onDatagram(m.datagram(), clock.nanos())))
        .onMessageEquals(Tick.INSTANCE, () -> {
          selfTickQueued = false;
          return step(() -> { });
        })
        .onMessage(OpenStream.class, m -> step(() -> open(m)))
        .onMessage(Answer.class, m -> step(() -> answer(m)))
        .onMessage(Attach.class, m -> step(() -> attach(m.streamId(), m.stage())))
        .onMessage(Write.class, m -> step(() -> write(m)))
        .onMessage(Finish.class, m -> step(() -> finish(m.streamId())))
        .onMessage(Pull.class, m -> step(() -> pull(m.streamId())))
        .onMessage(StopReading.class, m -> step(() -> ifOpen(m.streamId(),
            () -> connection.stopSending(m.streamId(), m.code(), clock.nanos()))))
        .onMessage(AbortWriting.class, m -> step(() -> ifOpen(m.streamId(),
            () -> connection.reset(m.streamId(), m.code(), clock.nanos()))))
        .onMessage(Close.class, m -> step(() -> connection.close(m.error(), m.reason(), clock.nanos())))
        .onMessage(ChannelRenewed.class, m -> step(() -> connection.onChannelRenewed(clock.nanos())))
        .onMessage(Stop.class, m -> {
          step(() -> connection.close(m.error(), m.reason(), clock.nanos()));
          return Behaviors.stopped();
        })
        .build();
  }

  private Behavior<Command> step(Runnable action) {
    action.run();
    drive();
    return this;
  }

  /** Runs a stream operation unless the stream is already gone (its peer finished it first). */
  private void ifOpen(long streamId, Runnable op) {
    try {
      op.run();
    } catch (StreamStateException e) {
      bindings.remove(streamId);
    }
  }

  private void open(OpenStream m) {
    try {
      long id = connection.openStream(m.target(), m.port(), clock.nanos());
      bindings.put(id, new Binding(m.stage()));
      m.stage().assigned(id);
    } catch (StreamOpenException e) {
      m.stage().failed(new StreamOpenFailedException(e.result(), e.getMessage()));
    }
  }

  private void answer(Answer m) {
    ifOpen(m.streamId(), () -> connection.answerOpen(m.streamId(), m.result(), clock.nanos()));
  }

  private void attach(long streamId, StageLink stage) {
    bindings.put(streamId, new Binding(stage));
    stage.assigned(streamId);
  }

  private void write(Write m) {
    Binding b = bindings.get(m.streamId());
    if (b == null) {
      return;
    }
    b.pendingWrite = m.bytes().asByteBuffer();
    flushWrite(m.streamId(), b);
  }

  private void flushWrite(long streamId, Binding b) {
    if (b.pendingWrite == null) {
      return;
    }
    try {
      connection.write(streamId, b.pendingWrite, clock.nanos());
    } catch (StreamStateException e) {
      b.pendingWrite = null;
      return; // the stream stopped sending; the stage learns it from the event
    }
    if (!b.pendingWrite.hasRemaining()) {
      b.pendingWrite = null;
      b.stage.writeAccepted();
      if (b.finishAfterWrite) {
        b.finishAfterWrite = false;
        finish(streamId);
      }
    }
  }

  private void finish(long streamId) {
    Binding b = bindings.get(streamId);
    if (b != null && b.pendingWrite != null) {
      b.finishAfterWrite = true;
      return;
    }
    ifOpen(streamId, () -> connection.finish(streamId, clock.nanos()));
  }

  private void pull(long streamId) {
    Binding b = bindings.get(streamId);
    if (b != null) {
      b.pullPending = true;
      deliver(streamId, b);
    }
  }

  /** Hands one chunk to a stage that asked for it; reading is what returns credit to the peer. */
  private void deliver(long streamId, Binding b) {
    if (!b.pullPending) {
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
    int n;
    try {
      n = connection.read(streamId, buf, clock.nanos());
    } catch (StreamStateException e) {
      return; // not accepted yet, or reset: events tell the stage
    }
    if (n > 0) {
      b.pullPending = false;
      b.stage.data(ByteString.fromArray(buf.array(), 0, n));
    } else if (n < 0) {
      b.pullPending = false;
      b.stage.endOfData();
    }
  }

  /** Polls the connection, sends, dispatches events, and re-arms the timer. */
  private void drive() {
    long now = clock.nanos();
    Poll poll = connection.poll(now);
    for (byte[] d : poll.datagrams()) {
      link.send(d);
    }
    for (TransportEvent e : connection.takeEvents()) {
      onEvent(e);
    }
    arm(poll.nextDeadline(), now);
  }

  private void onEvent(TransportEvent event) {
    switch (event) {
      case TransportEvent.StreamOpened o -> onIncoming.accept(new IncomingStream(o.streamId(), o.target(), o.port(), facade));
      case TransportEvent.StreamOpenAnswered a -> {
        Binding b = bindings.get(a.streamId());
        if (b != null) {
          b.stage.answered(a.result());
          if (a.result() != StreamOpenResult.OK) {
            bindings.remove(a.streamId());
          }
        }
      }
      case TransportEvent.StreamReadable r -> {
        Binding b = bindings.get(r.streamId());
        if (b != null) {
          deliver(r.streamId(), b);
        }
      }
      case TransportEvent.StreamWritable w -> {
        Binding b = bindings.get(w.streamId());
        if (b != null) {
          flushWrite(w.streamId(), b);
        }
      }
      case TransportEvent.StreamReset r -> {
        Binding b = bindings.get(r.streamId());
        if (b != null) {
          b.stage.reset(r.code());
        }
      }
      case TransportEvent.StreamStopped s -> {
        Binding b = bindings.get(s.streamId());
        if (b != null) {
          b.pendingWrite = null;
          b.stage.stopped(s.code());
        }
      }
      case TransportEvent.StreamClosed c -> bindings.remove(c.streamId());
      case TransportEvent.PacketDropped d ->
          getContext().getLog().debug("transport packet dropped: {} {}", d.error(), d.detail());
      case TransportEvent.ConnectionClosed c -> {
        getContext().getLog().info("transport connection closed: {} {} (by peer: {})", c.error(), c.reason(), c.byPeer());
        ConnectionClosedException failure = new ConnectionClosedException(c.error(), c.reason());
        bindings.values().forEach(b -> b.stage.failed(failure));
        bindings.clear();
        facade.markClosed(failure);
      }
    }
  }

  private void arm(long deadline, long now) {
    if (deadline == Long.MAX_VALUE) {
      timers.cancel(DEADLINE);
      return;
    }
    long delay = deadline - now;
    if (delay < MIN_TIMER_NANOS) {
      timers.cancel(DEADLINE);
      if (!selfTickQueued) {
        selfTickQueued = true;
        getContext().getSelf().tell(Tick.INSTANCE);
      }
      return;
    }
    timers.startSingleTimer(DEADLINE, Tick.INSTANCE, Duration.ofNanos(delay));
  }
}
