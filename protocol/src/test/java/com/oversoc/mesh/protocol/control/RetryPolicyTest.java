package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oversoc.mesh.protocol.control.pb.ControlError.Code;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void onlyPassingConditionsAreRetriedAndWhatAPersonMustFixStopsTheClient() {
    Set<Code> retried = Arrays.stream(Code.values()).filter(RetryPolicy::retryable)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Code.class)));
    assertEquals(EnumSet.of(Code.CODE_UNSPECIFIED, Code.CLOCK_SKEW, Code.MALFORMED_MESSAGE, Code.FRAME_TOO_LARGE,
        Code.UNEXPECTED_MESSAGE, Code.TIMEOUT, Code.INTERNAL, Code.OVERLOADED, Code.UNRECOGNIZED), retried);
  }
}
