package com.oversoc.mesh.protocol.control;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.Key32;
import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * Proof that a client holds the private half of a node key it asks the coordinator to publish
 * (at enrollment and at rotation).
 *
 * <p>X25519 keys cannot sign, so possession is proven by key agreement: the client computes
 * {@code s = X25519(node_private, coordinator_public)} and sends
 * {@code BLAKE2s-256(key = s, LABEL || purpose || machine_public || node_public || session_nonce)}.
 * The coordinator computes the same {@code s} as {@code X25519(coordinator_private, node_public)}
 * and compares in constant time. Only the holder of the node private key (or of the
 * coordinator's) can produce it. The session nonce is fresh per connection (ServerHello), so a
 * captured proof is useless on any other connection, and the machine key inside binds the proof
 * to the identity that asked.
 *
 * <p>"Signed by the machine key": the request itself travels inside the Noise IK channel whose
 * handshake authenticated the machine key (its static-static and ephemeral-static DH results
 * key every transport message), so each frame is attributable to that machine key exactly as a
 * signature would make it, for the only party that verifies it, the coordinator. A signature
 * would add non-repudiation towards third parties, which nothing here needs.
 */
public final class NodeKeyProof {
  /** Length of a proof. */
  public static final int LENGTH = 32;

  private static final byte[] LABEL = "ovsgw node-key possession v1".getBytes(StandardCharsets.US_ASCII);

  /** What the proof is for, so a proof made for one request is not accepted for the other. */
  public enum Purpose {
    ENROLL(1),
    ROTATE(2);

    private final byte tag;

    Purpose(int tag) {
      this.tag = (byte) tag;
    }
  }

  private NodeKeyProof() {}

  public static byte[] compute(
      Purpose purpose, NodePrivateKey node, CoordinatorPublicKey coordinator, MachinePublicKey machine, byte[] nonce) {
    byte[] shared = new byte[Key32.LENGTH];
    try {
      node.agree(coordinator, shared, 0);
      return mac(shared, purpose, machine, node.publicKey(), nonce);
    } finally {
      Arrays.fill(shared, (byte) 0);
    }
  }

  /**
   * @throws ControlException NODE_KEY_INVALID for a low-order key, NODE_KEY_PROOF_INVALID for a
   *     proof that does not verify
   */
  public static void verify(
      Purpose purpose, byte[] proof, NodePublicKey node, CoordinatorPrivateKey coordinator, MachinePublicKey machine,
      byte[] nonce) throws ControlException {
    byte[] shared = new byte[Key32.LENGTH];
    try {
      try {
        coordinator.agree(node, shared, 0);
      } catch (KeyFormatException e) {
        throw new ControlException(ControlError.Code.NODE_KEY_INVALID, "the node key is not usable: " + e.getMessage());
      }
      byte[] expected = mac(shared, purpose, machine, node, nonce);
      if (proof == null || proof.length != LENGTH || !MessageDigest.isEqual(expected, proof)) {
        throw new ControlException(ControlError.Code.NODE_KEY_PROOF_INVALID,
            "the proof of possession of node key " + node.shortString() + " does not verify");
      }
    } finally {
      Arrays.fill(shared, (byte) 0);
    }
  }

  /**
   * The node key of a request, once its length and its proof check out.
   *
   * @throws ControlException NODE_KEY_INVALID for a key that is not 32 bytes or is low-order,
   *     NODE_KEY_PROOF_INVALID for a proof that does not verify
   */
  public static NodePublicKey verifiedKey(Purpose purpose, ByteString key, ByteString proof,
      CoordinatorPrivateKey coordinator, MachinePublicKey machine, byte[] nonce) throws ControlException {
    if (key.size() != Key32.LENGTH) {
      throw new ControlException(ControlError.Code.NODE_KEY_INVALID,
          "the node key is " + key.size() + " bytes; a key is " + Key32.LENGTH);
    }
    NodePublicKey nodeKey = new NodePublicKey(key.toByteArray());
    verify(purpose, proof.toByteArray(), nodeKey, coordinator, machine, nonce);
    return nodeKey;
  }

  private static byte[] mac(
      byte[] shared, Purpose purpose, MachinePublicKey machine, NodePublicKey node, byte[] nonce) {
    Blake2sDigest d = new Blake2sDigest(shared, LENGTH, null, null);
    d.update(LABEL, 0, LABEL.length);
    d.update(purpose.tag);
    byte[] k = new byte[Key32.LENGTH];
    machine.copyTo(k, 0);
    d.update(k, 0, k.length);
    node.copyTo(k, 0);
    d.update(k, 0, k.length);
    d.update(nonce, 0, nonce.length);
    byte[] out = new byte[LENGTH];
    d.doFinal(out, 0);
    return out;
  }
}
