package com.oversoc.mesh.node.netlab;

/**
 * This machine cannot run a lab: not root, or a command the lab needs is missing. The message
 * names the Debian package; tests fail with it rather than skip, because CI must have them.
 */
public final class NetLabUnavailableException extends NetLabException {
  public NetLabUnavailableException(String message) {
    super(message);
  }
}
