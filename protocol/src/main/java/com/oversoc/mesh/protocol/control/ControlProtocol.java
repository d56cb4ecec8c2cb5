package com.oversoc.mesh.protocol.control;

/**
 * Version of the control protocol. One number for the whole protocol, compared by both ends at
 * connect time; the coordinator serves every client whose number lies in
 * [{@link #MIN_SUPPORTED_CAPABILITY_VERSION}, {@link #CAPABILITY_VERSION}].
 *
 * <p>Changelog (newest first):
 *
 * <ul>
 *   <li>1: ClientHello.
 * </ul>
 */
public final class ControlProtocol {
  /** The version this build speaks. */
  public static final int CAPABILITY_VERSION = 1;
  /** The oldest client version this build still serves. */
  public static final int MIN_SUPPORTED_CAPABILITY_VERSION = 1;

  private ControlProtocol() {}
}
