package com.oversoc.mesh.node.role;

import com.oversoc.mesh.node.config.Role;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Which roles this build can run. */
public final class Roles {
  private Roles() {}

  /** The launcher for {@code role}, or empty if this build does not have that role yet. */
  public static Optional<RoleLauncher> launcher(Role role) {
    // Each role's issue adds its launcher here when the role exists end to end.
    return switch (role) {
      case COORDINATOR -> Optional.of(new CoordinatorLauncher(System.out));
      case RELAY -> Optional.of(new RelayLauncher(System.out));
      case GATEWAY, PLATFORM -> Optional.empty();
    };
  }

  /** The roles this build can run. */
  public static List<Role> available() {
    return Arrays.stream(Role.values()).filter(r -> launcher(r).isPresent()).toList();
  }
}
