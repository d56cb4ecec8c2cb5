package com.oversoc.mesh.actors.transport;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.util.ByteString;

/**
 * One transport stream as a {@code Flow<ByteString, ByteString, CompletionStage<StreamOpenResult>>}.
 *
 * <p>Backpressure both ways, with at most one element in the stage per direction: a pull from
 * downstream asks the connection for one chunk, and reading it is what returns credit to the
 * peer, so without demand the peer's sender stops once the receive window is full. An element
 * from upstream is pulled again only after the connection took all of it, so a peer that stops
 * reading stops this upstream.
 *
 * <p>Ending: upstream completion sends FIN; upstream failure resets the stream (CANCELLED);
 * downstream cancellation stops reading and resets sending (CANCELLED); a peer reset fails the
 * downstream with {@link StreamResetException}; a peer STOP_SENDING cancels the upstream.
 */
final class TransportStreamStage
    extends AbstractGraphStageWithMaterializedValue<FlowShape<ByteString, ByteString>, CompletionStage<StreamOpenResult>> {
  private final Inlet<ByteString> in = Inlet.create("TransportStream.in");
  private final Outlet<ByteString> out = Outlet.create("TransportStream.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final TransportConnection connection;
  private final IpLiteral target;
  private final int port;
  private final long acceptedId;

  /** Platform: opens a new stream when materialized. */
  TransportStreamStage(TransportConnection connection, IpLiteral target, int port) {
    this.connection = connection;
    this.target = target;
    this.port = port;
    this.acceptedId = -1;
  }

  /** Gateway: attaches to a stream the platform opened and this side accepted. */
  TransportStreamStage(TransportConnection connection, long streamId) {
    this.connection = connection;
    this.target = null;
    this.port = 0;
    this.acceptedId = streamId;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<StreamOpenResult>> createLogicAndMaterializedValuePair(Attributes attrs) {
    CompletableFuture<StreamOpenResult> opened = new CompletableFuture<>();
    if (acceptedId >= 0) {
      opened.complete(StreamOpenResult.OK);
    }
    return Pair.create(new Logic(opened), opened);
  }

  private final class Logic extends GraphStageLogic implements StageLink {
    private final CompletableFuture<StreamOpenResult> opened;
    private AsyncCallback<Runnable> onActor;
    private long streamId = -1;
    private ByteString heldElement;
    private boolean pullWanted;
    private boolean finishWanted;
    private boolean sentFinish;
    private boolean deliveredEnd;

    Logic(CompletableFuture<StreamOpenResult> opened) {
      super(shape);
      this.opened = opened;
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          ByteString element = grab(in);
          if (streamId < 0) {
            heldElement = element;
          } else {
            tell(new ConnectionActor.Write(streamId, element));
          }
        }

        @Override
        public void onUpstreamFinish() {
          if (streamId < 0) {
            finishWanted = true;
          } else {
            sendFinish();
          }
          if (isClosed(out)) {
            completeStage();
          }
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          if (streamId >= 0) {
            tell(new ConnectionActor.AbortWriting(streamId, StreamErrorCode.CANCELLED));
            tell(new ConnectionActor.StopReading(streamId, StreamErrorCode.CANCELLED));
          }
          failStage(ex);
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (streamId < 0) {
            pullWanted = true;
          } else {
            tell(new ConnectionActor.Pull(streamId));
          }
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          if (streamId >= 0) {
            tell(new ConnectionActor.StopReading(streamId, StreamErrorCode.CANCELLED));
            if (!sentFinish) {
              tell(new ConnectionActor.AbortWriting(streamId, StreamErrorCode.CANCELLED));
            }
          }
          cancelStage(cause);
        }
      });
    }

    @Override
    public void preStart() {
      onActor = createAsyncCallback(Runnable::run);
      pull(in);
      if (acceptedId >= 0) {
        tell(new ConnectionActor.Attach(acceptedId, this));
      } else {
        tell(new ConnectionActor.OpenStream(target, port, this));
      }
    }

    @Override
    public void postStop() {
      // Stopped by the materializer (or an abrupt failure) mid-stream: tell the peer.
      if (streamId >= 0 && !(sentFinish && deliveredEnd)) {
        if (!sentFinish) {
          tell(new ConnectionActor.AbortWriting(streamId, StreamErrorCode.CANCELLED));
        }
        if (!deliveredEnd) {
          tell(new ConnectionActor.StopReading(streamId, StreamErrorCode.CANCELLED));
        }
      }
      if (!opened.isDone()) {
        opened.completeExceptionally(new StreamOpenFailedException(StreamOpenResult.INTERNAL_ERROR,
            "the stream stopped before the gateway answered"));
      }
    }

    private void tell(ConnectionActor.Command command) {
      connection.actor().tell(command);
    }

    private void sendFinish() {
      sentFinish = true;
      tell(new ConnectionActor.Finish(streamId));
    }

    private void onStage(Runnable r) {
      onActor.invoke(r);
    }

    // StageLink: called on the actor's thread, run on the stage's.

    @Override
    public void assigned(long id) {
      onStage(() -> {
        streamId = id;
        if (heldElement != null) {
          tell(new ConnectionActor.Write(streamId, heldElement));
          heldElement = null;
        }
        if (finishWanted) {
          sendFinish();
        }
        if (pullWanted) {
          pullWanted = false;
          tell(new ConnectionActor.Pull(streamId));
        }
      });
    }

    @Override
    public void answered(StreamOpenResult result) {
      onStage(() -> {
        if (result == StreamOpenResult.OK) {
          opened.complete(result);
        } else {
          StreamOpenFailedException failure = new StreamOpenFailedException(result, "the gateway refused the stream");
          opened.completeExceptionally(failure);
          streamId = -1; // the connection has already forgotten it
          failStage(failure);
        }
      });
    }

    @Override
    public void data(ByteString bytes) {
      onStage(() -> push(out, bytes));
    }

    @Override
    public void endOfData() {
      onStage(() -> {
        deliveredEnd = true;
        complete(out);
      });
    }

    @Override
    public void writeAccepted() {
      onStage(() -> {
        if (!isClosed(in) && !hasBeenPulled(in)) {
          pull(in);
        }
      });
    }

    @Override
    public void reset(StreamErrorCode code) {
      onStage(() -> {
        deliveredEnd = true;
        fail(out, new StreamResetException(streamId, code));
        if (isClosed(in)) {
          completeStage();
        }
      });
    }

    @Override
    public void stopped(StreamErrorCode code) {
      onStage(() -> {
        sentFinish = true; // the connection already reset this direction
        cancel(in);
        if (isClosed(out)) {
          completeStage();
        }
      });
    }

    @Override
    public void failed(Throwable cause) {
      onStage(() -> {
        opened.completeExceptionally(cause);
        streamId = -1;
        failStage(cause);
      });
    }
  }
}
