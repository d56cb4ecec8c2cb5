package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import com.oversoc.mesh.protocol.control.pb.ClientHello;
import org.junit.jupiter.api.Test;

/** Proves the .proto is compiled during the build and the generated code behaves as protobuf. */
class ControlMessagesTest {

  @Test
  void clientHelloRoundTripsThroughTheWireForm() throws Exception {
    ClientHello hello =
        ClientHello.newBuilder()
            .setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION)
            .setSoftwareVersion("0.1.0")
            .setNodeName("acme-dmz-1")
            .build();

    byte[] wire = hello.toByteArray();
    ClientHello parsed = ClientHello.parseFrom(wire);

    assertEquals(hello, parsed);
    assertEquals("acme-dmz-1", parsed.getNodeName());
    // Field 1 varint (the capability), field 2 length-delimited "0.1.0", field 3 "acme-dmz-1".
    assertArrayEquals(
        new byte[] {0x08, (byte) ControlProtocol.CAPABILITY_VERSION, 0x12, 0x05, '0', '.', '1', '.', '0', 0x1a, 0x0a,
                    'a', 'c', 'm', 'e', '-', 'd', 'm', 'z', '-', '1'},
        wire);
  }

  @Test
  void truncatedMessageIsATypedError() {
    byte[] wire = ClientHello.newBuilder().setNodeName("acme-dmz-1").build().toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(wire, wire.length - 3);
    assertThrows(InvalidProtocolBufferException.class, () -> ClientHello.parseFrom(truncated));
  }

  @Test
  void unknownFieldsFromANewerPeerArePreservedNotRejected() throws Exception {
    // Field 15, varint 7: something a later capability version might add.
    byte[] wire = {0x08, 0x02, 0x78, 0x07};
    ClientHello parsed = ClientHello.parseFrom(wire);
    assertEquals(2, parsed.getCapabilityVersion());
    assertArrayEquals(wire, parsed.toByteArray());
  }
}
