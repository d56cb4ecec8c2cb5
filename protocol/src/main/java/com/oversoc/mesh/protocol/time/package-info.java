/**
 * Time as an input. Protocol state machines never read a clock: they take monotonic
 * nanoseconds from a {@link com.oversoc.mesh.protocol.time.MonotonicClock} (or as a {@code now}
 * argument) and wall-clock time from a {@link java.time.InstantSource}. Production passes the
 * system clocks (see {@code actors}); tests and the simulator pass a
 * {@link com.oversoc.mesh.protocol.time.ManualClock}.
 */
package com.oversoc.mesh.protocol.time;
