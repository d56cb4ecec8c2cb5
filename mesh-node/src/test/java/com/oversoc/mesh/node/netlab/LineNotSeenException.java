package com.oversoc.mesh.node.netlab;

/**
 * A process did not print the line a test waited for: it timed out or the process exited first.
 * The message names the process, its host, its log files and ends with the last lines of both.
 */
public final class LineNotSeenException extends NetLabException {
  LineNotSeenException(String message) {
    super(message);
  }
}
