package com.oversoc.mesh.node.role;

import com.oversoc.mesh.node.config.NodeConfig;
import java.util.concurrent.CompletionStage;

/** Starts one role from a validated configuration. */
public interface RoleLauncher {

  /** Starts the role; the returned handle stops it. Throws if it cannot start (port taken, ...). */
  Running start(NodeConfig config) throws Exception;

  /** A started role. */
  interface Running extends AutoCloseable {
    /** Completes when the role has stopped, by {@link #close()} or on its own (e.g. revoked). */
    CompletionStage<Integer> terminated();

    /** Stops the role and waits until it has released its ports. */
    @Override
    void close();
  }
}
