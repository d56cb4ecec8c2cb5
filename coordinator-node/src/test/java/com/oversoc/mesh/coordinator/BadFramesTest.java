package com.oversoc.mesh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.coordinator.TestMesh.Node;
import com.oversoc.mesh.protocol.control.ControlClientSession.State;
import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.pb.ClientHello;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Oversized or garbage frames get a typed error and close that connection, and nothing else. */
class BadFramesTest {
  @TempDir Path dir;
  TestMesh mesh;
  Node gateway;
  Node platform;

  @BeforeEach
  void start() {
    mesh = TestMesh.h2(dir);
    gateway = mesh.connect(mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false), "gw");
    platform = mesh.connect(mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false), "pf");
    // A node is in its peers' maps from its enrollment on, possibly before its own client has
    // read the RegisterResponse: wait for both.
    platform.awaitState(com.oversoc.mesh.protocol.control.ControlClientSession.State.STREAMING);
    gateway.awaitMap(m -> m.peers().size() == 1, "gateway sees the platform");
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  private static ByteString frame(byte[] payload, int declaredLength) {
    byte[] out = new byte[4 + payload.length];
    out[0] = (byte) (declaredLength >>> 24);
    out[1] = (byte) (declaredLength >>> 16);
    out[2] = (byte) (declaredLength >>> 8);
    out[3] = (byte) declaredLength;
    System.arraycopy(payload, 0, out, 4, payload.length);
    return ByteString.fromArray(out);
  }

  private void assertOthersUnaffected() {
    assertTrue(mesh.service().revokeNode(platform.nodeId(), "test", "admin:test"));
    gateway.awaitMap(m -> m.peers().isEmpty(), "the other connections still get deltas");
    assertEquals(State.STREAMING, gateway.state());
  }

  @Test
  void anOversizedFrameIsRefusedBeforeItIsBufferedAndOnlyThatConnectionCloses() throws Exception {
    List<ServerMessage> answer = mesh.exchange(frame(new byte[16], ControlProtocol.MAX_CLIENT_FRAME_BYTES + 1));
    ServerMessage last = answer.get(answer.size() - 1);
    assertEquals(ControlError.Code.FRAME_TOO_LARGE, last.getError().getCode(), answer.toString());
    assertTrue(last.getError().getFatal());
    assertOthersUnaffected();
  }

  @Test
  void aFrameThatIsNotProtobufIsMalformedAndClosesThatConnection() throws Exception {
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00, 0x01};
    List<ServerMessage> answer = mesh.exchange(frame(junk, junk.length));
    assertEquals(ControlError.Code.MALFORMED_MESSAGE, answer.get(answer.size() - 1).getError().getCode());
    assertOthersUnaffected();
  }

  @Test
  void anEmptyEnvelopeOrAWrongFirstMessageIsRefused() throws Exception {
    assertEquals(ControlError.Code.MALFORMED_MESSAGE, mesh.exchange(frame(new byte[0], 0)).get(0).getError().getCode());
    byte[] keepalive = ClientMessage.newBuilder()
        .setKeepalive(com.oversoc.mesh.protocol.control.pb.Keepalive.getDefaultInstance()).build().toByteArray();
    assertEquals(ControlError.Code.UNEXPECTED_MESSAGE,
        mesh.exchange(frame(keepalive, keepalive.length)).get(0).getError().getCode());
  }

  @Test
  void anOlderCapabilityIsRefusedWithUnsupportedVersion() throws Exception {
    byte[] hello = ClientMessage.newBuilder().setHello(ClientHello.newBuilder().setCapabilityVersion(1)
        .setClientTimeUnixMs(mesh.clock.instant().toEpochMilli())).build().toByteArray();
    assertEquals(ControlError.Code.UNSUPPORTED_VERSION,
        mesh.exchange(frame(hello, hello.length)).get(0).getError().getCode());
  }
}
