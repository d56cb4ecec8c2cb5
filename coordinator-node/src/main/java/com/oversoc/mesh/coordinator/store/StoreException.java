package com.oversoc.mesh.coordinator.store;

/** The store could not do what was asked (database down, constraint broken unexpectedly). */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
