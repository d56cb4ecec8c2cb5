package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.control.pb.ControlError;

/**
 * Whether a control client whose connection ended with an error should connect again (after its
 * backoff) or stop for good and tell its operator. Retrying is for conditions that pass on their
 * own: a busy or restarting coordinator, a clock being corrected, a garbled or out-of-order
 * frame (a new connection starts from a full map). Stopping is for what only a person can fix: a
 * pre-auth key that is wrong, used or expired, a machine without one, a key of the wrong role,
 * a software version the coordinator no longer serves, a revoked machine.
 */
public final class RetryPolicy {
  private RetryPolicy() {}

  /** True if connecting again may succeed without anyone changing anything. */
  public static boolean retryable(ControlError.Code code) {
    return switch (code) {
      case TIMEOUT, INTERNAL, OVERLOADED -> true;
      // The coordinator and the node disagree on time; NTP usually fixes that within minutes.
      case CLOCK_SKEW -> true;
      // One side misread the other: the next connection starts over from a full map or key set.
      case MALFORMED_MESSAGE, FRAME_TOO_LARGE, UNEXPECTED_MESSAGE -> true;
      // A code from a newer coordinator, or none: not a reason to give up.
      case CODE_UNSPECIFIED, UNRECOGNIZED -> true;
      case UNSUPPORTED_VERSION, NOT_ENROLLED, AUTH_KEY_MALFORMED, AUTH_KEY_UNKNOWN, AUTH_KEY_EXPIRED, AUTH_KEY_USED,
          AUTH_KEY_REVOKED, NODE_KEY_INVALID, NODE_KEY_PROOF_INVALID, NODE_KEY_IN_USE, INVALID_ARGUMENT, FORBIDDEN,
          NODE_REVOKED -> false;
    };
  }
}
