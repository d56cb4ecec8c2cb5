package com.oversoc.mesh.sim.bench.relay;

import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.relay.RelayClient;
import com.oversoc.mesh.actors.relay.RelayClientSettings;
import com.oversoc.mesh.actors.relay.RelayDialer;
import com.oversoc.mesh.actors.relay.TcpRelayDialer;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;

/** Relay clients of a benchmark, as nodes run them: RelayClient over TCP and the secure channel. */
final class BenchClients {
  private BenchClients() {}

  static RelayDialer dialer(ActorSystem<?> system, int port, long seed, NodePrivateKey key) {
    return new TcpRelayDialer(system, new Endpoint("127.0.0.1", port), Optional.empty(), key,
        BenchKeys.relay(seed).publicKey(), SecureChannel.Settings.defaults());
  }

  static RelayClient start(ActorSystem<?> system, int port, long seed, int index, RelayClient.Listener listener) {
    NodePrivateKey key = BenchKeys.node(seed, index);
    return RelayClient.start(system, "bench-" + index, RelayClientSettings.node(true),
        dialer(system, port, seed, key), listener);
  }

  static NodePublicKey key(long seed, int index) {
    return BenchKeys.node(seed, index).publicKey();
  }

  static void awaitConnected(List<RelayClient> clients, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (clients.stream().anyMatch(c -> c.state() != RelayClient.State.CONNECTED)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("clients did not connect within " + timeout);
      }
      LockSupport.parkNanos(10_000_000);
    }
  }
}
