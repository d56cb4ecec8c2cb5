package com.oversoc.mesh.node.role;

import com.oversoc.mesh.node.config.Role;

/** The launcher of each role. */
public final class Roles {
  private Roles() {}

  public static RoleLauncher launcher(Role role) {
    return switch (role) {
      case COORDINATOR -> new CoordinatorLauncher(System.out);
      case RELAY -> new RelayLauncher(System.out);
      case GATEWAY, PLATFORM -> new MeshNodeLauncher();
    };
  }
}
