package com.oversoc.mesh.protocol.transport.recovery;

import com.oversoc.mesh.protocol.transport.frame.Frame;

/** The part of a sent packet the connection acts on when the packet is acknowledged or lost. */
public sealed interface SentFrame {
  /** Stream bytes {@code [offset, offset + length)}, and the FIN if {@code fin}. */
  record StreamData(long streamId, long offset, int length, boolean fin) implements SentFrame {}

  /** An ACK frame: once acknowledged, the receiver may forget packet numbers up to {@code largest}. */
  record Ack(long largest) implements SentFrame {}

  /** Any other frame; if lost, the connection decides whether it is still worth sending. */
  record Control(Frame frame) implements SentFrame {}
}
