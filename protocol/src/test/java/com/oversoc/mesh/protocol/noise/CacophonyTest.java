package com.oversoc.mesh.protocol.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oversoc.mesh.protocol.key.EphemeralPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.PresharedKey;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cacophony vectors for both protocols, byte for byte: every handshake message, the final
 * handshake hash, and the four transport messages after it (initiator and responder alternate).
 */
class CacophonyTest {
  @ParameterizedTest
  @EnumSource(NoiseProtocol.class)
  void everyMessageAndTheHandshakeHashMatch(NoiseProtocol protocol) throws Exception {
    CacophonyVectors.Vector v = CacophonyVectors.load("/noise/cacophony-ik.json").named(protocol.protocolName());

    HandshakeState.Builder<MachinePublicKey> ib = HandshakeState.initiator(protocol, new MachinePublicKey(v.initRemoteStatic()))
        .prologue(v.initPrologue())
        .localStatic(new MachinePrivateKey(v.initStatic()))
        .fixedEphemeralForTesting(new EphemeralPrivateKey(v.initEphemeral()));
    HandshakeState.Builder<MachinePublicKey> rb = HandshakeState.responder(protocol, MachinePublicKey::new)
        .prologue(v.respPrologue())
        .localStatic(new MachinePrivateKey(v.respStatic()))
        .fixedEphemeralForTesting(new EphemeralPrivateKey(v.respEphemeral()));
    if (protocol.usesPresharedKey()) {
      ib.presharedKey(new PresharedKey(v.initPsk()));
      rb.presharedKey(new PresharedKey(v.respPsk()));
    }
    HandshakeState<MachinePublicKey> initiator = ib.build();
    HandshakeState<MachinePublicKey> responder = rb.build();

    CacophonyVectors.Message m1 = v.messages().get(0);
    byte[] written1 = initiator.writeMessage(m1.payload());
    assertHex(m1.ciphertext(), written1, "message 1");
    assertArrayEquals(m1.payload(), responder.readMessage(written1));
    assertEquals(new MachinePrivateKey(v.initStatic()).publicKey(), responder.remoteStatic());

    CacophonyVectors.Message m2 = v.messages().get(1);
    byte[] written2 = responder.writeMessage(m2.payload());
    assertHex(m2.ciphertext(), written2, "message 2");
    assertArrayEquals(m2.payload(), initiator.readMessage(written2));

    assertHex(v.handshakeHash(), initiator.handshakeHash(), "initiator handshake hash");
    assertHex(v.handshakeHash(), responder.handshakeHash(), "responder handshake hash");

    TransportCiphers i = initiator.split();
    TransportCiphers r = responder.split();
    for (int n = 2; n < v.messages().size(); n++) {
      CacophonyVectors.Message m = v.messages().get(n);
      boolean fromInitiator = n % 2 == 0;
      CipherState sender = fromInitiator ? i.sender() : r.sender();
      CipherState receiver = fromInitiator ? r.receiver() : i.receiver();
      byte[] ciphertext = sender.encrypt(new byte[0], m.payload());
      assertHex(m.ciphertext(), ciphertext, "transport message " + (n + 1));
      assertArrayEquals(m.payload(), receiver.decrypt(new byte[0], ciphertext));
    }
  }

  private static void assertHex(byte[] expected, byte[] actual, String what) {
    assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual), what);
  }
}
