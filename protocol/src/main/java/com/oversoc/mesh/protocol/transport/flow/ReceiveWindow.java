package com.oversoc.mesh.protocol.transport.flow;

/**
 * The receiver's side of one credit (a stream's or the connection's): checks that the peer stays
 * within what was advertised and decides when and how far to advertise more.
 *
 * <p>Auto-tuning: credit is re-advertised once half the window has been consumed; if that
 * happens within two smoothed RTTs of the previous update, the window was what limited the
 * sender, so it doubles, up to the configured maximum. The window therefore settles near the
 * bandwidth-delay product the reader can sustain, and never above the cap.
 */
public final class ReceiveWindow {
  /** Updates closer together than this many smoothed RTTs mean the window limits the sender. */
  private static final int AUTO_TUNE_RTTS = 2;

  private final long maxWindow;
  private long window;
  private long advertised;
  private long consumed;
  private long highestReceived;
  private long lastUpdateTime = Long.MIN_VALUE;

  public ReceiveWindow(long initialWindow, long maxWindow) {
    this.window = initialWindow;
    this.maxWindow = Math.max(initialWindow, maxWindow);
    this.advertised = initialWindow;
  }

  /** True if receiving up to {@code endOffset} stays within the advertised credit. */
  public boolean allows(long endOffset) {
    return endOffset <= advertised;
  }

  /** Records that the peer sent up to {@code endOffset}; returns how much the highest offset grew. */
  public long onReceived(long endOffset) {
    if (endOffset <= highestReceived) {
      return 0;
    }
    long grew = endOffset - highestReceived;
    highestReceived = endOffset;
    return grew;
  }

  public void onConsumed(long bytes) {
    consumed += bytes;
  }

  /** True when enough was consumed that a new limit is worth a frame. */
  public boolean updateWanted() {
    return advertised - consumed <= window / 2;
  }

  /** Grows the window if the reader is keeping up, and returns the new limit to advertise. */
  public long advance(long now, long smoothedRtt) {
    if (lastUpdateTime != Long.MIN_VALUE && now - lastUpdateTime < AUTO_TUNE_RTTS * smoothedRtt) {
      window = Math.min(window * 2, maxWindow);
    }
    lastUpdateTime = now;
    advertised = Math.max(advertised, consumed + window);
    return advertised;
  }

  public long advertised() {
    return advertised;
  }

  public long consumed() {
    return consumed;
  }

  public long highestReceived() {
    return highestReceived;
  }

  public long window() {
    return window;
  }

  public long maxWindow() {
    return maxWindow;
  }
}
