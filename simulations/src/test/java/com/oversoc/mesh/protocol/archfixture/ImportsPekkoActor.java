package com.oversoc.mesh.protocol.archfixture;

import com.oversoc.mesh.actors.ActorSystems;
import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;

/** Test fixture: a "protocol" class that breaks the layering. Never compiled into production. */
public final class ImportsPekkoActor {
  ActorRef<String> ref;

  Config upwardCall(Config overrides) {
    return ActorSystems.pekkoConfig(overrides);
  }
}
