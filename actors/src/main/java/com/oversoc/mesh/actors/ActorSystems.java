package com.oversoc.mesh.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/** Creates actor systems with the project's Pekko defaults ({@code ovsgw-pekko.conf}). */
public final class ActorSystems {
  /** Resource holding the Pekko settings every ovsgw process starts from. */
  public static final String DEFAULTS_RESOURCE = "ovsgw-pekko.conf";

  private ActorSystems() {}

  /**
   * The effective Pekko configuration: {@code overrides} (a node's own {@code pekko} block, may
   * be empty), then the project defaults, then Pekko's {@code application.conf} and reference.
   */
  public static Config pekkoConfig(Config overrides) {
    return overrides
        .withFallback(ConfigFactory.parseResources(ActorSystems.class.getClassLoader(), DEFAULTS_RESOURCE))
        .withFallback(ConfigFactory.load(ActorSystems.class.getClassLoader()))
        .resolve();
  }

  public static <T> ActorSystem<T> create(Behavior<T> guardian, String name, Config overrides) {
    return ActorSystem.create(guardian, name, pekkoConfig(overrides));
  }
}
