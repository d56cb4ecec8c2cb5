package com.oversoc.mesh.actors.relay;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * The writer of one connection: emits what its {@link SendQueue} holds as batches of up to
 * {@code maxBatchBytes} whenever the connection asks for more, so a burst of small frames costs
 * one socket write. Each batch must be taken by the connection within the write timeout, or the
 * stage fails with {@link WriteTimeoutException} (what was queued is counted as
 * {@link DropReason#WRITE_ERROR}) and the connection closes: a peer that stops reading holds no
 * resources beyond its queue for longer than that. Completes after the queue is closed and
 * drained, which is how a CLOSING frame is delivered before the connection ends.
 */
public final class SendQueueSource extends GraphStage<SourceShape<ByteString>> {
  /**
   * Bytes per batch: enough that a queue of 32 packets of 1,200 bytes leaves in one write, small
   * enough that a batch is not much larger than the socket layer's own 16 KiB write buffer.
   */
  public static final int MAX_BATCH_BYTES = 32 * 1024;

  private static final String WRITE_TIMER = "write-timeout";

  private final Outlet<ByteString> out = Outlet.create("SendQueueSource.out");
  private final SourceShape<ByteString> shape = SourceShape.of(out);
  private final SendQueue queue;
  private final Duration writeTimeout;
  private final int maxBatchBytes;

  public SendQueueSource(SendQueue queue, Duration writeTimeout, int maxBatchBytes) {
    this.queue = queue;
    this.writeTimeout = writeTimeout;
    this.maxBatchBytes = maxBatchBytes;
  }

  @Override
  public SourceShape<ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private AsyncCallback<NotUsed> wake;
      /** When the batch the connection has not yet taken was pushed; 0 when it has taken it. */
      private long pushedAtNanos;
      private boolean timerArmed;

      {
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pushedAtNanos = 0;
            emitBatch();
          }

          @Override
          public void onDownstreamFinish(Throwable cause) throws Exception {
            queue.close(null, cause instanceof SubscriptionWithCancelException.NonFailureCancellation
                ? DropReason.GONE : DropReason.WRITE_ERROR);
            super.onDownstreamFinish(cause);
          }
        });
      }

      @Override
      public void preStart() {
        wake = createAsyncCallback(ignored -> {
          if (isAvailable(out)) {
            emitBatch();
          }
        });
        queue.attachWriter(() -> wake.invoke(NotUsed.getInstance()));
      }

      private void emitBatch() {
        SendQueue.Batch batch = queue.drain(maxBatchBytes);
        if (batch.isEmpty()) {
          return; // the queue wakes us when something arrives
        }
        if (!batch.bytes().isEmpty()) {
          push(out, batch.bytes());
          pushedAtNanos = System.nanoTime();
          armTimer(writeTimeout.toNanos());
        }
        if (batch.last()) {
          completeStage();
        }
      }

      /**
       * One timer per write timeout, not per batch: under load a batch is pushed every few
       * microseconds, and scheduling and cancelling a timer for each would cost more than the
       * write. The timer re-arms itself for the batch outstanding when it fires.
       */
      private void armTimer(long delayNanos) {
        if (!timerArmed) {
          timerArmed = true;
          scheduleOnce(WRITE_TIMER, Duration.ofNanos(Math.max(1, delayNanos)));
        }
      }

      @Override
      public void onTimer(Object timerKey) {
        timerArmed = false;
        if (pushedAtNanos == 0) {
          return; // everything pushed was taken
        }
        long waited = System.nanoTime() - pushedAtNanos;
        if (waited < writeTimeout.toNanos()) {
          armTimer(writeTimeout.toNanos() - waited);
          return;
        }
        queue.close(null, DropReason.WRITE_ERROR);
        failStage(new WriteTimeoutException(writeTimeout));
      }

      @Override
      public void postStop() {
        queue.close(null, DropReason.GONE);
      }
    };
  }
}
