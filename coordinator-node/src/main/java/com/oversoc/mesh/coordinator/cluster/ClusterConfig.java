package com.oversoc.mesh.coordinator.cluster;

import com.oversoc.mesh.coordinator.CoordinatorSettings;
import com.oversoc.mesh.coordinator.mesh.MeshChange;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Map;

/**
 * The Pekko settings of a coordinator replica: a cluster member when clustering is enabled,
 * with change events serialized by {@link KryoSerializer} and Java serialization off.
 *
 * <p>Downing: the store is the only shared state (no singletons, no shards), so what matters
 * is that a surviving replica keeps serving when another dies. The split-brain resolver keeps
 * the side with the oldest member, and with {@code down-if-alone} an oldest member cut off from
 * everyone else downs itself instead: with two replicas, whichever dies, the other carries on.
 * A change event lost meanwhile is repaired by the distributor's periodic resync from the store.
 */
public final class ClusterConfig {
  /** Every replica's actor system has this name (cluster members must share it). */
  public static final String SYSTEM_NAME = "ovsgw-coordinator";

  private ClusterConfig() {}

  /** The Pekko configuration for {@code c}; empty when clustering is off. */
  public static Config pekko(CoordinatorSettings.Cluster c) {
    if (!c.enabled()) {
      return serialization();
    }
    List<String> seeds = c.seedNodes().stream().map(Endpoint::parse)
        .map(e -> "pekko://" + SYSTEM_NAME + "@" + e.host() + ":" + e.port()).toList();
    return ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", "cluster",
            "pekko.remote.artery.canonical.hostname", c.address().toString(),
            "pekko.remote.artery.canonical.port", c.port(),
            "pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
            "pekko.cluster.split-brain-resolver.active-strategy", "keep-oldest",
            "pekko.cluster.split-brain-resolver.keep-oldest.down-if-alone", "on",
            "pekko.cluster.split-brain-resolver.stable-after", "5s"))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(serialization());
  }

  private static Config serialization() {
    // Class names contain dots: fromMap takes its keys as keys, where parseMap would read paths.
    return ConfigFactory.parseMap(Map.of(
            "pekko.actor.allow-java-serialization", "off",
            "pekko.actor.serializers.ovsgw-kryo", KryoSerializer.class.getName()))
        .withValue("pekko.actor.serialization-bindings",
            ConfigValueFactory.fromMap(Map.of(MeshChange.class.getName(), "ovsgw-kryo")));
  }
}
