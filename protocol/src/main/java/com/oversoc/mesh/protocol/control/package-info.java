/**
 * The control protocol between nodes, relays and the coordinator: protobuf messages (generated
 * into {@code control.pb} from {@code oversoc/control/v1/control.proto}) and the version number
 * that both ends compare.
 */
package com.oversoc.mesh.protocol.control;
