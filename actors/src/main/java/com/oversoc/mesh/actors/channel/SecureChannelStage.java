package com.oversoc.mesh.actors.channel;

import com.oversoc.mesh.protocol.channel.ChannelException;
import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.channel.RecordCipher;
import com.oversoc.mesh.protocol.channel.RecordReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One end of a secure channel as a bidirectional stage. The pipeline, application on the left,
 * network on the right:
 *
 * <pre>
 *   appIn  --plaintext--> [ seal into records ]   --> netOut
 *   appOut <--plaintext-- [ read records, open ] <--  netIn
 * </pre>
 *
 * <p>Until the handshake completes, nothing is pulled from {@code appIn} (the application is
 * backpressured) and {@code netIn} is read for handshake records only. Afterwards both
 * directions flow with backpressure: {@code netIn} is pulled only when the application wants
 * data, {@code appIn} only when the network takes data. Buffering is bounded by one network
 * chunk inbound and one application element outbound.
 *
 * <p>Subclasses ({@link Client}, {@link Server}) supply the handshake; the materialized value
 * completes when the peer is proven, or fails with a {@link ChannelException}.
 */
abstract class SecureChannelStage<M>
    extends AbstractGraphStageWithMaterializedValue<BidiShape<ByteString, ByteString, ByteString, ByteString>, CompletionStage<M>> {

  private static final String HANDSHAKE_TIMER = "handshake-timeout";

  final Inlet<ByteString> appIn = Inlet.create("SecureChannel.appIn");
  final Outlet<ByteString> netOut = Outlet.create("SecureChannel.netOut");
  final Inlet<ByteString> netIn = Inlet.create("SecureChannel.netIn");
  final Outlet<ByteString> appOut = Outlet.create("SecureChannel.appOut");
  private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
      BidiShape.of(appIn, netOut, netIn, appOut);

  private final ChannelProtocol.Kind kind;
  private final Duration handshakeTimeout;
  private final Supplier<CompletableFuture<M>> promises;

  SecureChannelStage(ChannelProtocol.Kind kind, Duration handshakeTimeout, Supplier<CompletableFuture<M>> promises) {
    this.kind = kind;
    this.handshakeTimeout = handshakeTimeout;
    this.promises = promises;
  }

  @Override
  public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
    return shape;
  }

  ChannelProtocol.Kind kind() {
    return kind;
  }

  /** A fresh handshake for one materialization. */
  abstract Logic newLogic(CompletableFuture<M> identity);

  @Override
  public Pair<GraphStageLogic, CompletionStage<M>> createLogicAndMaterializedValuePair(Attributes attributes) {
    CompletableFuture<M> identity = promises.get();
    return Pair.create(newLogic(identity), identity);
  }

  /** The data path shared by both sides; the handshake is in {@link #onHandshakeRecord}. */
  abstract class Logic extends TimerGraphStageLogic {
    final CompletableFuture<M> identity;
    private final RecordReader reader = new RecordReader(kind);
    private final ArrayDeque<ByteString> toNet = new ArrayDeque<>();
    private final ArrayDeque<ByteString> toApp = new ArrayDeque<>();
    private RecordCipher cipher;
    /** Set while the handshake waits for something outside the stream (an admission decision). */
    boolean paused;
    private boolean appInDone;
    private boolean netInDone;
    private boolean closingAfterFlush;
    private ChannelException closeFailure;

    Logic(CompletableFuture<M> identity) {
      super(shape);
      this.identity = identity;

      setHandler(appIn, new AbstractInHandler() {
        @Override
        public void onPush() {
          ByteString data = grab(appIn);
          if (!data.isEmpty()) {
            try {
              sendRecords(cipher.seal(data.toArrayUnsafe(), 0, data.size()));
            } catch (ChannelException e) {
              fail(e);
              return;
            }
          }
          flushNet();
        }

        @Override
        public void onUpstreamFinish() {
          appInDone = true;
          flushNet();
        }
      });

      setHandler(netOut, new AbstractOutHandler() {
        @Override
        public void onPull() {
          flushNet();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          // The peer stopped reading. What it already sent (a refusal, the last records) is still
          // read; the stage ends when the inbound side does.
          cancel(appIn);
        }
      });

      setHandler(netIn, new AbstractInHandler() {
        @Override
        public void onPush() {
          reader.feed(grab(netIn).asByteBuffer());
          pump();
        }

        @Override
        public void onUpstreamFinish() {
          netInDone = true;
          if (!isEstablished() && !paused) {
            fail(new ChannelException(Reason.CLOSED_DURING_HANDSHAKE,
                "the " + kind.name() + " peer closed the connection during the handshake"));
            return;
          }
          pump();
        }
      });

      setHandler(appOut, new AbstractOutHandler() {
        @Override
        public void onPull() {
          pump();
        }
      });
    }

    @Override
    public void preStart() {
      scheduleOnce(HANDSHAKE_TIMER, handshakeTimeout);
      try {
        onStart();
      } catch (ChannelException e) {
        fail(e);
        return;
      }
      pullNetIfNeeded();
    }

    /** Resumes reading after an asynchronous handshake step (see {@link #paused}). */
    void resume() {
      paused = false;
      pump();
    }

    @Override
    public void onTimer(Object key) {
      if (HANDSHAKE_TIMER.equals(key) && !isEstablished()) {
        fail(new ChannelException(Reason.HANDSHAKE_TIMEOUT,
            "no complete " + kind.name() + " handshake within " + handshakeTimeout.toMillis() + " ms"));
      }
    }

    @Override
    public void postStop() {
      if (!identity.isDone()) {
        identity.completeExceptionally(new ChannelException(Reason.CLOSED_DURING_HANDSHAKE,
            "the " + kind.name() + " channel stopped before the handshake completed"));
      }
      if (cipher != null) {
        cipher.destroy();
      }
    }

    /** Sends what a side sends before any record arrives (the client's first flight). */
    abstract void onStart() throws ChannelException;

    /** Handles a record that arrives before the channel is established. */
    abstract void onHandshakeRecord(byte[] body) throws ChannelException;

    boolean isEstablished() {
      return identity.isDone() && !identity.isCompletedExceptionally();
    }

    /** Installs the record layer that the rest of the handshake and all traffic use. */
    void useCipher(RecordCipher c) {
      this.cipher = c;
    }

    RecordCipher cipher() {
      return cipher;
    }

    /** The peer is proven: application data may flow in both directions. */
    void established(M value) {
      cancelTimer(HANDSHAKE_TIMER);
      identity.complete(value);
      flushNet();
    }

    /** Fails the channel with {@code e}; the identity fails with it. */
    void fail(ChannelException e) {
      identity.completeExceptionally(e);
      failStage(e);
    }

    /**
     * Sends {@code bytes} as the last thing on this connection, then closes it, failing the
     * channel with {@code e}. Nothing more is read: the peer gets our last word, we need no reply.
     */
    void sendAndClose(byte[] bytes, ChannelException e) {
      identity.completeExceptionally(e);
      closeFailure = e;
      paused = true;
      toNet.add(ByteString.fromArrayUnsafe(bytes));
      closingAfterFlush = true;
      flushNet();
    }

    void send(byte[] bytes) {
      toNet.add(ByteString.fromArrayUnsafe(bytes));
      flushNet();
    }

    private void sendRecords(List<byte[]> records) {
      for (byte[] r : records) {
        toNet.add(ByteString.fromArrayUnsafe(r));
      }
    }

    /** The peer's first transport record may carry data; it goes to the application like any other. */
    void deliver(byte[] plaintext) {
      if (plaintext.length > 0) {
        toApp.add(ByteString.fromArrayUnsafe(plaintext));
      }
    }

    /**
     * The inbound pump: reads records from the current network chunk as far as the state
     * allows. During the handshake every record is handled at once; afterwards a record is
     * opened only when the application has asked for data, so a slow application stops the
     * reads from the network, and with them the peer.
     */
    void pump() {
      try {
        while (!paused) {
          if (isEstablished()) {
            if (!toApp.isEmpty()) {
              if (!isAvailable(appOut)) {
                break;
              }
              push(appOut, toApp.poll());
              continue;
            }
            if (!isAvailable(appOut)) {
              break;
            }
            byte[] body = reader.next();
            if (body == null) {
              break;
            }
            deliver(cipher.open(body));
          } else {
            byte[] body = reader.next();
            if (body == null) {
              break;
            }
            onHandshakeRecord(body);
          }
        }
        if (netInDone && isEstablished() && toApp.isEmpty() && reader.needsInput() && !isClosed(appOut)) {
          if (reader.buffered() > 0) {
            throw new ChannelException(Reason.DECRYPT_FAILED, "the connection closed in the middle of a record");
          }
          complete(appOut);
        }
      } catch (ChannelException e) {
        onReadFailure(e);
        return;
      }
      pullNetIfNeeded();
    }

    /** A bad preamble, version or record. Servers tell a client of another version which one they speak. */
    void onReadFailure(ChannelException e) {
      fail(e);
    }

    private void pullNetIfNeeded() {
      if (paused || netInDone || isClosed(netIn) || hasBeenPulled(netIn) || !reader.needsInput()) {
        return;
      }
      if (!isEstablished() || (toApp.isEmpty() && isAvailable(appOut))) {
        pull(netIn);
      }
    }

    private void flushNet() {
      if (isClosed(netOut)) {
        return;
      }
      if (isAvailable(netOut) && !toNet.isEmpty()) {
        push(netOut, toNet.poll());
      }
      if (!toNet.isEmpty()) {
        return;
      }
      if (closingAfterFlush) {
        // Our last word is written: close the connection, and the application's ends with the cause.
        complete(netOut);
        cancel(netIn);
        cancel(appIn);
        fail(appOut, closeFailure);
        return;
      }
      if (appInDone && isEstablished()) {
        complete(netOut);
        return;
      }
      if (isEstablished() && isAvailable(netOut) && !appInDone && !hasBeenPulled(appIn) && !isClosed(appIn)) {
        pull(appIn);
      }
    }
  }
}
