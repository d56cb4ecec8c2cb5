package com.oversoc.mesh.protocol.transport;

import java.util.function.ToIntFunction;

/**
 * Lookup of the transport's 16-bit code enums (connection errors, stream errors, open results)
 * by wire value. Each enum has an UNRECOGNIZED constant for values a newer peer may send, which
 * is what an unknown value maps to: a code is information, never a reason to fail.
 */
public final class WireCodes<E extends Enum<E>> {
  private final Object[] byWire;
  private final E unrecognized;

  /** {@code wire} gives each constant's value; the UNRECOGNIZED constant's is negative. */
  public WireCodes(E[] values, ToIntFunction<E> wire, E unrecognized) {
    int max = 0;
    for (E e : values) {
      max = Math.max(max, wire.applyAsInt(e));
    }
    byWire = new Object[max + 1];
    for (E e : values) {
      int w = wire.applyAsInt(e);
      if (w >= 0) {
        if (byWire[w] != null) {
          throw new IllegalStateException("wire value " + w + " assigned twice in " + e.getDeclaringClass());
        }
        byWire[w] = e;
      }
    }
    this.unrecognized = unrecognized;
  }

  @SuppressWarnings("unchecked")
  public E fromWire(int wire) {
    return wire >= 0 && wire < byWire.length && byWire[wire] != null ? (E) byWire[wire] : unrecognized;
  }

  /** The wire value of a code that may be sent. */
  public static int checkSendable(int wire, Enum<?> code) {
    if (wire < 0) {
      throw new IllegalStateException(code + " is never sent");
    }
    return wire;
  }
}
