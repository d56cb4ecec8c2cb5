package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.oversoc.mesh.protocol.control.NodeKeyProof.Purpose;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeKeyProofTest {
  final SecureRandom random = new SecureRandom();
  final CoordinatorPrivateKey coordinator = CoordinatorPrivateKey.generate(random);
  final MachinePublicKey machine = MachinePrivateKey.generate(random).publicKey();
  final NodePrivateKey node = NodePrivateKey.generate(random);
  final byte[] nonce = new byte[ControlProtocol.SESSION_NONCE_BYTES];

  byte[] proof(Purpose p) {
    return NodeKeyProof.compute(p, node, coordinator.publicKey(), machine, nonce);
  }

  ControlError.Code verify(Purpose p, byte[] proof, NodePublicKey key, MachinePublicKey m, byte[] n) {
    return assertThrows(ControlException.class,
        () -> NodeKeyProof.verify(p, proof, key, coordinator, m, n)).code();
  }

  @Test
  void theHolderOfTheNodeKeyProducesAProofTheCoordinatorAccepts() throws Exception {
    NodeKeyProof.verify(Purpose.ENROLL, proof(Purpose.ENROLL), node.publicKey(), coordinator, machine, nonce);
    NodeKeyProof.verify(Purpose.ROTATE, proof(Purpose.ROTATE), node.publicKey(), coordinator, machine, nonce);
  }

  @Test
  void aProofIsBoundToItsPurposeKeyMachineAndConnection() {
    byte[] p = proof(Purpose.ENROLL);
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID, verify(Purpose.ROTATE, p, node.publicKey(), machine, nonce));
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID,
        verify(Purpose.ENROLL, p, NodePrivateKey.generate(random).publicKey(), machine, nonce));
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID,
        verify(Purpose.ENROLL, p, node.publicKey(), MachinePrivateKey.generate(random).publicKey(), nonce));
    byte[] otherNonce = nonce.clone();
    otherNonce[0] ^= 1;
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID, verify(Purpose.ENROLL, p, node.publicKey(), machine,
        otherNonce));
  }

  @Test
  void someoneWithoutTheNodePrivateKeyCannotProveIt() {
    // Claiming another node's public key: the best a thief can do is prove a key of its own.
    byte[] p = NodeKeyProof.compute(Purpose.ENROLL, NodePrivateKey.generate(random), coordinator.publicKey(), machine,
        nonce);
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID, verify(Purpose.ENROLL, p, node.publicKey(), machine, nonce));
  }

  @Test
  void malformedProofsAreRefused() {
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID,
        verify(Purpose.ENROLL, new byte[5], node.publicKey(), machine, nonce));
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID,
        verify(Purpose.ENROLL, new byte[0], node.publicKey(), machine, nonce));
  }

  @Test
  void aRequestsKeyMustBe32BytesAndProven() throws Exception {
    var key = com.google.protobuf.ByteString.copyFrom(node.publicKey().bytes());
    var proof = com.google.protobuf.ByteString.copyFrom(proof(Purpose.ROTATE));
    assertEquals(node.publicKey(), NodeKeyProof.verifiedKey(Purpose.ROTATE, key, proof, coordinator, machine, nonce));
    assertEquals(ControlError.Code.NODE_KEY_INVALID, assertThrows(ControlException.class,
        () -> NodeKeyProof.verifiedKey(Purpose.ROTATE, key.substring(1), proof, coordinator, machine, nonce)).code());
    assertEquals(ControlError.Code.NODE_KEY_PROOF_INVALID, assertThrows(ControlException.class,
        () -> NodeKeyProof.verifiedKey(Purpose.ENROLL, key, proof, coordinator, machine, nonce)).code());
  }

  @Test
  void aLowOrderNodeKeyIsInvalid() {
    assertEquals(ControlError.Code.NODE_KEY_INVALID,
        verify(Purpose.ENROLL, new byte[32], new NodePublicKey(new byte[32]), machine, nonce));
  }
}
