package com.oversoc.mesh.protocol.transport;

/** Which end of the connection this is: only the platform opens streams, only the gateway accepts them. */
public enum Role {
  PLATFORM,
  GATEWAY
}
