package com.oversoc.mesh.protocol.transport.stream;

import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.flow.ReceiveWindow;

/**
 * One stream's state as the connection tracks it: both directions, the stream's credit, how far
 * it got in opening, and the flags that decide when it is finished and forgotten.
 *
 * <pre>
 *   platform: PENDING_ANSWER ──OK──► OPEN          gateway: AWAITING_OPEN ──STREAM_OPEN──► PENDING_ANSWER
 *                  └──error/timeout──► FAILED                 PENDING_ANSWER ──answerOpen──► OPEN | FAILED
 * </pre>
 *
 * <p>A stream is removed once its sending direction is done (everything and the FIN
 * acknowledged, or its RESET_STREAM acknowledged) and its receiving direction is done (read to
 * the end, or reset by the peer).
 */
public final class Stream {
  /** How far the stream got in opening. */
  public enum Opening {
    /** Gateway: bytes or credit arrived before the STREAM_OPEN (reordering); not yet announced. */
    AWAITING_OPEN,
    /** Waiting for the gateway application's (or, on the platform, the gateway's) answer. */
    PENDING_ANSWER,
    OPEN,
    FAILED
  }

  public final long id;
  public final SendStream send;
  public final ReceiveStream receive;
  public final ReceiveWindow window;
  public Opening opening;
  public IpLiteral target;
  public int port;
  public long openedAt;
  public long lastActivity;

  /** Offset up to which received bytes were returned to connection credit. */
  public long credited;
  public boolean sendDone;
  public boolean receiveDone;
  public boolean resetSent;
  public boolean stopSendingSent;
  public boolean readablePending;
  public boolean writeBlocked;
  public boolean inSendQueue;
  public boolean windowUpdateQueued;

  public Stream(long id, Opening opening, long maxStreamWindow, long maxSendBuffer, long initialWindow, long now) {
    this.id = id;
    this.opening = opening;
    this.send = new SendStream(maxSendBuffer);
    this.receive = new ReceiveStream(maxStreamWindow);
    this.window = new ReceiveWindow(initialWindow, maxStreamWindow);
    this.openedAt = now;
    this.lastActivity = now;
  }

  public boolean finished() {
    return sendDone && receiveDone;
  }
}
