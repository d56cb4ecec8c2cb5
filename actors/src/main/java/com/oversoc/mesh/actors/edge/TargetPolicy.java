package com.oversoc.mesh.actors.edge;

import com.oversoc.mesh.protocol.net.IpLiteral;
import java.util.Optional;

/** Whether a gateway may dial a target a platform asked for. */
@FunctionalInterface
public interface TargetPolicy {
  /** @return empty if allowed, else the reason told to the platform (why, in words, for the log) */
  Optional<String> refusal(IpLiteral target, int port);
}
