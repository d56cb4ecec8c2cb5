package com.oversoc.mesh.node.netlab;

/** Something the lab was asked to do did not happen; the subclasses say what kind of thing failed. */
public class NetLabException extends RuntimeException {
  public NetLabException(String message) {
    super(message);
  }

  public NetLabException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Restores the interrupt flag, since callers of the lab rarely want a checked exception. */
  static NetLabException interrupted(String activity) {
    Thread.currentThread().interrupt();
    return new NetLabException("interrupted while " + activity);
  }
}
