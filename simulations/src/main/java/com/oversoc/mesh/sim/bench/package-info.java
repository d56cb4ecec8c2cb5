/**
 * Benchmarks: JMH microbenchmarks and side-by-side benchmark mains that measure ours against a
 * reference on the same machine in the same run and report the ratio. Run them with {@code ./bench}.
 */
package com.oversoc.mesh.sim.bench;
