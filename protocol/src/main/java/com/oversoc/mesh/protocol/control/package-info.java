/**
 * The control protocol between nodes, relays and the coordinator: protobuf messages (generated
 * into {@code control.pb} from {@code oversoc/control/v1/control.proto}), the version number
 * that both ends compare, and the client's pure parts: its per-connection session, the peer-map
 * reducer, the active-keys set and which errors are worth a retry.
 */
package com.oversoc.mesh.protocol.control;
