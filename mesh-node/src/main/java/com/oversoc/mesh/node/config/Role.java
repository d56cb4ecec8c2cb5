package com.oversoc.mesh.node.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The four things one {@code ovsgw} process can be. */
public enum Role {
  /** Identity, keys, policy and peer maps; never carries data. */
  COORDINATOR,
  /** Encrypted packet relay over TCP and STUN over UDP. */
  RELAY,
  /** Customer DMZ: accepts streams from platform peers and dials IP:port targets. */
  GATEWAY,
  /** Vendor collector: opens streams through gateways. */
  PLATFORM;

  /** The name used in configuration files, e.g. {@code gateway}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromConfigName(String name) {
    return Arrays.stream(values()).filter(r -> r.configName().equals(name)).findFirst();
  }

  /** "coordinator, relay, gateway, platform", for error messages. */
  public static String accepted() {
    return Arrays.stream(values()).map(Role::configName).collect(Collectors.joining(", "));
  }

  /** Roles that connect to a coordinator and so need its address and pinned key. */
  public boolean isControlClient() {
    return this != COORDINATOR;
  }

  /** Roles that carry mesh data over a direct UDP path. */
  public boolean isMeshNode() {
    return this == GATEWAY || this == PLATFORM;
  }
}
