package com.oversoc.mesh.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TransportSpecTest {
  @Test
  void maxPacketIs1200AndFitsThePathMtuAfterWireGuardAndUdp() {
    assertEquals(1200, TransportSpec.MAX_PACKET_SIZE);
    assertEquals(TransportSpec.PATH_MTU,
        TransportSpec.MAX_PACKET_SIZE + TransportSpec.WIREGUARD_OVERHEAD + TransportSpec.IP_UDP_OVERHEAD);
    // WireGuard pads to 16: a full packet gains no padding, so it never exceeds the MTU.
    assertEquals(0, TransportSpec.MAX_PACKET_SIZE % TransportSpec.WIREGUARD_PADDING_MULTIPLE);
  }
}
