package com.oversoc.mesh.actors.relay;

import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.util.ByteString;

/**
 * The frames waiting to be written to one connection, in three lanes drained in this order:
 *
 * <ol>
 *   <li>control frames (PONG, KEEPALIVE, HEALTH, PEER_GONE to a node, the final CLOSING): few,
 *       small, bounded; when the lane is full a new control frame is refused;
 *   <li>peer presence changes for a mesh sibling, one pending frame per key, so a flood of
 *       10,000 connects and disconnects costs at most one frame per client and is never lost;
 *   <li>packets: a ring of fixed capacity; when it is full the <em>oldest</em> packet is dropped
 *       (counted as {@link DropReason#QUEUE_FULL}), because for a tunnel the newest packet is the
 *       most useful one and a slow reader must never make its senders wait.
 * </ol>
 *
 * Any thread may offer; one writer stage ({@link SendQueueSource}) drains. The writer registers a
 * wake-up that the queue runs when data arrives while the writer waits, so an idle connection
 * costs no thread and no polling. A packet never waits on a lock held across I/O.
 */
public final class SendQueue {
  /**
   * Control frames a connection may have pending: a few PONGs, PEER_GONE notices and a
   * KEEPALIVE. More means the peer sends PINGs faster than it reads; new ones are then refused.
   */
  public static final int CONTROL_CAPACITY = 64;

  /** What the queue reports to metrics. Called on the offering or draining thread; must be cheap. */
  public interface Observer {
    Observer NONE = new Observer() {};

    /** A packet was queued; {@code depth} is the packet lane's length after it. */
    default void enqueued(int depth) {}

    /** A packet of {@code bytes} (frame included) was dropped. */
    default void dropped(DropReason reason, int bytes) {}

    /** A batch holding {@code packets} packet frames of {@code bytes} in total was handed to the writer. */
    default void written(int packets, long bytes) {}
  }

  /** The result of offering a packet. */
  public enum Offer {
    QUEUED,
    /** Queued, and the oldest packet was dropped to make room. */
    QUEUED_DROPPED_OLDEST,
    /** The queue is closed (its connection is going away); the packet was dropped as GONE. */
    CLOSED
  }

  /**
   * What one drain took out of the queue.
   *
   * @param last the queue is closed and this batch empties it: the writer completes after it
   */
  record Batch(ByteString bytes, int packets, long packetBytes, boolean last) {
    static final Batch EMPTY = new Batch(ByteString.emptyByteString(), 0, 0, false);

    boolean isEmpty() {
      return bytes.isEmpty() && !last;
    }
  }

  private final int packetCapacity;
  private final int controlCapacity;
  private final Observer observer;
  private final ByteString[] packets;
  private int head;
  private int size;
  private ArrayDeque<ByteString> control;
  private Map<NodePublicKey, ByteString> presence;
  private boolean closed;
  private boolean writerWaiting;
  private Runnable wakeup;

  /**
   * @param packetCapacity packets held before the oldest is dropped
   * @param controlCapacity control frames held before new ones are refused
   */
  public SendQueue(int packetCapacity, int controlCapacity, Observer observer) {
    if (packetCapacity < 1 || controlCapacity < 1) {
      throw new IllegalArgumentException("capacities must be positive");
    }
    this.packetCapacity = packetCapacity;
    this.controlCapacity = controlCapacity;
    this.observer = observer;
    this.packets = new ByteString[packetCapacity];
  }

  /** Queues an encoded packet frame, dropping the oldest packet if the lane is full. */
  public Offer offerPacket(ByteString frame) {
    Offer result = Offer.QUEUED;
    Runnable wake;
    synchronized (this) {
      if (closed) {
        observer.dropped(DropReason.GONE, frame.size());
        return Offer.CLOSED;
      }
      if (size == packetCapacity) {
        ByteString oldest = packets[head];
        packets[head] = null;
        head = (head + 1) % packetCapacity;
        size--;
        observer.dropped(DropReason.QUEUE_FULL, oldest.size());
        result = Offer.QUEUED_DROPPED_OLDEST;
      }
      packets[(head + size) % packetCapacity] = frame;
      size++;
      observer.enqueued(size);
      wake = takeWakeup();
    }
    run(wake);
    return result;
  }

  /** Queues an encoded control frame; false if the queue is closed or its control lane is full. */
  public boolean offerControl(ByteString frame) {
    Runnable wake;
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (control == null) {
        control = new ArrayDeque<>(4);
      }
      if (control.size() >= controlCapacity) {
        return false;
      }
      control.add(frame);
      wake = takeWakeup();
    }
    run(wake);
    return true;
  }

  /**
   * Queues a presence change (PEER_PRESENT or PEER_GONE) for {@code peer}, replacing one still
   * pending for the same peer: only the latest state of each peer matters to a sibling.
   */
  public void offerPresence(NodePublicKey peer, ByteString frame) {
    Runnable wake;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (presence == null) {
        presence = new LinkedHashMap<>();
      }
      presence.remove(peer);
      presence.put(peer, frame);
      wake = takeWakeup();
    }
    run(wake);
  }

  /**
   * Closes the queue: queued packets are dropped and counted with {@code reason}, pending
   * control and presence frames are discarded, and {@code finalFrame} (if not null) is the last
   * thing the writer sends before completing. Later offers are refused. Only the first close
   * counts.
   */
  public void close(ByteString finalFrame, DropReason reason) {
    Runnable wake;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      while (size > 0) {
        observer.dropped(reason, packets[head].size());
        packets[head] = null;
        head = (head + 1) % packetCapacity;
        size--;
      }
      presence = null;
      control = null;
      if (finalFrame != null) {
        control = new ArrayDeque<>(1);
        control.add(finalFrame);
      }
      wake = takeWakeup();
    }
    run(wake);
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Packets waiting in the packet lane. */
  public synchronized int depth() {
    return size;
  }

  /** Registers the writer's wake-up; called once by the writer stage when it starts. */
  synchronized void attachWriter(Runnable wakeup) {
    this.wakeup = wakeup;
  }

  /**
   * Takes up to about {@code maxBytes} (at least one frame if any is queued). An empty batch
   * means nothing is queued; the writer is then woken when something arrives.
   */
  Batch drain(int maxBytes) {
    synchronized (this) {
      ByteString out = ByteString.emptyByteString();
      while (control != null && !control.isEmpty() && out.size() < maxBytes) {
        out = out.concat(control.poll());
      }
      if (presence != null) {
        var it = presence.values().iterator();
        while (it.hasNext() && out.size() < maxBytes) {
          out = out.concat(it.next());
          it.remove();
        }
      }
      int taken = 0;
      long packetBytes = 0;
      while (size > 0 && out.size() < maxBytes) {
        ByteString p = packets[head];
        packets[head] = null;
        head = (head + 1) % packetCapacity;
        size--;
        out = out.concat(p);
        taken++;
        packetBytes += p.size();
      }
      boolean empty = size == 0 && (control == null || control.isEmpty()) && (presence == null || presence.isEmpty());
      if (out.isEmpty()) {
        if (closed) {
          return new Batch(out, 0, 0, true);
        }
        writerWaiting = true;
        return Batch.EMPTY;
      }
      if (taken > 0) {
        observer.written(taken, packetBytes);
      }
      return new Batch(out, taken, packetBytes, closed && empty);
    }
  }

  private Runnable takeWakeup() {
    if (writerWaiting && wakeup != null) {
      writerWaiting = false;
      return wakeup;
    }
    return null;
  }

  private static void run(Runnable wake) {
    if (wake != null) {
      wake.run();
    }
  }
}
