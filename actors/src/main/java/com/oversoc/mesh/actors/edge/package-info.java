/**
 * Where mesh streams meet ordinary TCP: the gateway's {@link com.oversoc.mesh.actors.edge.TargetDialer}
 * (a stream the platform opened becomes a connection to its IP:port target) and the platform's
 * {@link com.oversoc.mesh.actors.edge.PortForward} (a local TCP port whose connections become
 * streams to one gateway target). Bytes are backpressured end to end.
 */
package com.oversoc.mesh.actors.edge;
