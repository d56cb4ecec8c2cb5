/**
 * The paths a node's WireGuard datagrams take: the one UDP socket (direct paths to peers' IP
 * endpoints) and the relay connections (to a peer by its node key through a relay region), behind
 * one {@link com.oversoc.mesh.actors.path.DatagramPort} interface, with an in-memory
 * implementation for tests and the simulator.
 */
package com.oversoc.mesh.actors.path;
