package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.ControlClientSession.Mode;
import com.oversoc.mesh.protocol.control.ControlClientSession.State;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.Registration;
import com.oversoc.mesh.protocol.control.pb.Revoked;
import com.oversoc.mesh.protocol.control.pb.RotateNodeKeyResponse;
import com.oversoc.mesh.protocol.control.pb.ServerHello;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client's state machine, driven by hand-written server messages. */
class ControlClientSessionTest {
  final SecureRandom random = new SecureRandom();
  final CoordinatorPrivateKey coordinator = CoordinatorPrivateKey.generate(random);
  final MachinePrivateKey machine = MachinePrivateKey.generate(random);
  final NodePrivateKey nodeKey = NodePrivateKey.generate(random);
  final byte[] nonce = new byte[ControlProtocol.SESSION_NONCE_BYTES];

  ControlClientSession session(Optional<String> authKey, Mode mode) {
    return new ControlClientSession(mode, machine.publicKey(), nodeKey, coordinator.publicKey(), authKey, "n1", "t");
  }

  ServerMessage hello(boolean enrolled) {
    ServerHello.Builder h = ServerHello.newBuilder().setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION)
        .setSessionNonce(ByteString.copyFrom(nonce)).setEnrolled(enrolled);
    if (enrolled) {
      h.setRegistration(Registration.newBuilder().setNodeId(7));
    }
    return ServerMessage.newBuilder().setHello(h).build();
  }

  @Test
  void helloCarriesTheCapabilityAndTheClock() {
    ClientMessage h = session(Optional.empty(), Mode.MESH_NODE).hello(Instant.ofEpochMilli(1234));
    assertEquals(ControlProtocol.CAPABILITY_VERSION, h.getHello().getCapabilityVersion());
    assertEquals(1234, h.getHello().getClientTimeUnixMs());
  }

  @Test
  void anUnenrolledClientRegistersWithAProofTheCoordinatorAccepts() throws Exception {
    ControlClientSession s = session(Optional.of("ovsgw-key-x"), Mode.MESH_NODE);
    var r = s.onMessage(hello(false));
    assertEquals(State.REGISTERING, s.state());
    var reg = r.send().get(0).getRegister();
    assertEquals("ovsgw-key-x", reg.getAuthKey());
    NodeKeyProof.verify(NodeKeyProof.Purpose.ENROLL, reg.getNodeKeyProof().toByteArray(), nodeKey.publicKey(),
        coordinator, machine.publicKey(), nonce);
    var next = s.onMessage(ServerMessage.newBuilder().setRegister(com.oversoc.mesh.protocol.control.pb
        .RegisterResponse.newBuilder().setRegistration(Registration.newBuilder().setNodeId(7))).build());
    assertTrue(next.send().get(0).hasMapRequest());
    assertEquals(State.AWAITING_MAP, s.state());
  }

  @Test
  void anEnrolledClientAsksForItsMapAndARelayForTheKeys() {
    ControlClientSession node = session(Optional.empty(), Mode.MESH_NODE);
    assertTrue(node.onMessage(hello(true)).send().get(0).hasMapRequest());
    ControlClientSession relay = session(Optional.empty(), Mode.RELAY);
    assertTrue(relay.onMessage(hello(true)).send().get(0).hasActiveKeysRequest());
  }

  @Test
  void notEnrolledWithoutAKeyFails() {
    ControlClientSession s = session(Optional.empty(), Mode.MESH_NODE);
    assertEquals(ControlError.Code.NOT_ENROLLED, s.onMessage(hello(false)).error().orElseThrow().code());
    assertEquals(State.FAILED, s.state());
  }

  @Test
  void theMapStreamRunsThroughTheReducerAndABadDeltaFailsTheSession() throws Exception {
    ControlClientSession s = session(Optional.empty(), Mode.MESH_NODE);
    s.onMessage(hello(true));
    var r = s.onMessage(ServerMessage.newBuilder().setMap(PeerMapReducerTest.full(1, PeerMapReducerTest.peer(2)))
        .build());
    assertEquals(State.STREAMING, s.state());
    assertEquals(4, r.changes().size(), "one peer added, then self, relay map and policy version");
    var bad = s.onMessage(ServerMessage.newBuilder().setMap(PeerMapReducerTest.delta(9)).build());
    assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, bad.error().orElseThrow().code());
    assertEquals(State.FAILED, s.state());
    assertEquals(List.of(), s.onMessage(hello(true)).send(), "a failed session does nothing more");
  }

  @Test
  void rotationSwitchesKeysOnlyWhenConfirmedAndARefusalKeepsTheOldOne() throws Exception {
    ControlClientSession s = session(Optional.empty(), Mode.MESH_NODE);
    s.onMessage(hello(true));
    assertThrows(IllegalStateException.class, () -> s.rotateNodeKey(NodePrivateKey.generate(random)));
    s.onMessage(ServerMessage.newBuilder().setMap(PeerMapReducerTest.full(1)).build());
    NodePrivateKey next = NodePrivateKey.generate(random);
    ClientMessage req = s.rotateNodeKey(next);
    NodeKeyProof.verify(NodeKeyProof.Purpose.ROTATE, req.getRotateNodeKey().getNewNodeKeyProof().toByteArray(),
        next.publicKey(), coordinator, machine.publicKey(), nonce);
    s.onMessage(ServerMessage.newBuilder().setError(new ControlException(ControlError.Code.NODE_KEY_IN_USE, "x")
        .toWire(false, Instant.EPOCH)).build());
    assertSame(nodeKey, s.nodeKey());
    assertEquals(State.STREAMING, s.state(), "a refused rotation is not fatal");
    s.rotateNodeKey(next);
    s.onMessage(ServerMessage.newBuilder().setRotateNodeKey(RotateNodeKeyResponse.newBuilder()
        .setNodeKey(com.google.protobuf.ByteString.copyFrom(next.publicKey().bytes())).setNodeKeyExpiresUnixMs(5_000)
        .setPreviousKeyValidUntilUnixMs(4_000)).build());
    assertSame(next, s.nodeKey());
    assertEquals(Optional.of(next.publicKey()), s.coordinatorNodeKey());
    assertEquals(Optional.of(Instant.ofEpochMilli(5_000)), s.nodeKeyExpiry());
  }

  @Test
  void aConfirmationOfAKeyThisNodeDidNotAskForFailsTheSession() {
    ControlClientSession s = session(Optional.empty(), Mode.MESH_NODE);
    s.onMessage(hello(true));
    s.onMessage(ServerMessage.newBuilder().setMap(PeerMapReducerTest.full(1)).build());
    s.rotateNodeKey(NodePrivateKey.generate(random));
    var r = s.onMessage(ServerMessage.newBuilder().setRotateNodeKey(RotateNodeKeyResponse.newBuilder()
        .setNodeKey(com.google.protobuf.ByteString.copyFrom(NodePrivateKey.generate(random).publicKey().bytes())))
        .build());
    assertEquals(State.FAILED, s.state());
    assertEquals(ControlError.Code.MALFORMED_MESSAGE, r.error().orElseThrow().code());
    assertSame(nodeKey, s.nodeKey(), "the node keeps the key it had");
  }

  @Test
  void revokedStopsTheSession() {
    ControlClientSession s = session(Optional.empty(), Mode.MESH_NODE);
    s.onMessage(hello(true));
    var r = s.onMessage(ServerMessage.newBuilder().setRevoked(Revoked.newBuilder().setReason("gone")).build());
    assertEquals(State.REVOKED, s.state());
    assertEquals(ControlError.Code.NODE_REVOKED, r.error().orElseThrow().code());
    assertEquals(Optional.of("gone"), s.revokedReason());
  }

  @Test
  void aFatalErrorOrAMessageOutOfOrderFails() {
    ControlClientSession s = session(Optional.empty(), Mode.MESH_NODE);
    var r = s.onMessage(ServerMessage.newBuilder().setError(new ControlException(ControlError.Code.CLOCK_SKEW, "off")
        .toWire(true, Instant.EPOCH)).build());
    assertEquals(ControlError.Code.CLOCK_SKEW, r.error().orElseThrow().code());
    assertEquals(State.FAILED, s.state());
    ControlClientSession early = session(Optional.empty(), Mode.MESH_NODE);
    early.onMessage(ServerMessage.newBuilder().setMap(PeerMapReducerTest.full(1)).build());
    assertEquals(State.FAILED, early.state());
    ControlClientSession badNonce = session(Optional.empty(), Mode.MESH_NODE);
    badNonce.onMessage(hello(true).toBuilder().setHello(hello(true).getHello().toBuilder()
        .setSessionNonce(ByteString.copyFrom(new byte[3]))).build());
    assertEquals(State.FAILED, badNonce.state());
  }
}
