package com.oversoc.mesh.sim.bench.relay;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import java.util.SplittableRandom;

/**
 * Keys both JVMs of a benchmark derive from the same seed, so the relay can admit the clients
 * without passing key material between processes. Benchmark keys only; never for real use.
 */
final class BenchKeys {
  private BenchKeys() {}

  static RelayPrivateKey relay(long seed) {
    return new RelayPrivateKey(bytes(seed, -1));
  }

  static NodePrivateKey node(long seed, int index) {
    return new NodePrivateKey(bytes(seed, index));
  }

  private static byte[] bytes(long seed, int index) {
    byte[] b = new byte[32];
    new SplittableRandom(seed * 1_000_003L + index).nextBytes(b);
    return b;
  }
}
