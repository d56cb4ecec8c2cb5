package com.oversoc.mesh.protocol.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.PresharedKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HandshakeStateTest {
  private static final byte[] PROLOGUE = "ovsgw control v1".getBytes(StandardCharsets.US_ASCII);
  private final SecureRandom random = new SecureRandom();
  private final MachinePrivateKey machine = MachinePrivateKey.generate(random);
  private final CoordinatorPrivateKey coordinator = CoordinatorPrivateKey.generate(random);

  private HandshakeState<CoordinatorPublicKey> initiator(NoiseProtocol protocol) {
    HandshakeState.Builder<CoordinatorPublicKey> b = HandshakeState.initiator(protocol, coordinator.publicKey())
        .prologue(PROLOGUE).localStatic(machine).random(random);
    return b.build();
  }

  private HandshakeState.Builder<MachinePublicKey> responder(NoiseProtocol protocol) {
    return HandshakeState.responder(protocol, MachinePublicKey::new)
        .prologue(PROLOGUE).localStatic(coordinator).random(random);
  }

  @Test
  void ikCarriesPayloadsAndYieldsMatchingTransportCiphers() throws Exception {
    HandshakeState<CoordinatorPublicKey> i = initiator(NoiseProtocol.IK);
    HandshakeState<MachinePublicKey> r = responder(NoiseProtocol.IK).build();
    assertTrue(i.isMyTurnToWrite());
    assertFalse(r.isMyTurnToWrite());
    byte[] hello = r.readMessage(i.writeMessage("hello".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("hello", new String(hello, StandardCharsets.US_ASCII));
    assertEquals(machine.publicKey(), r.remoteStatic());
    byte[] welcome = i.readMessage(r.writeMessage("welcome".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("welcome", new String(welcome, StandardCharsets.US_ASCII));
    assertTrue(i.isComplete() && r.isComplete());
    assertArrayEquals(i.handshakeHash(), r.handshakeHash());

    TransportCiphers ti = i.split();
    TransportCiphers tr = r.split();
    assertArrayEquals(ti.handshakeHash(), tr.handshakeHash());
    byte[] frame = ti.sender().encrypt(null, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, tr.receiver().decrypt(null, frame));
    byte[] back = tr.sender().encrypt(null, new byte[] {4});
    assertArrayEquals(new byte[] {4}, ti.receiver().decrypt(null, back));
    assertThrows(IllegalStateException.class, i::split, "split happens once");
  }

  @Test
  void differentProloguesNeverComplete() throws Exception {
    HandshakeState<CoordinatorPublicKey> i = initiator(NoiseProtocol.IK);
    HandshakeState<MachinePublicKey> r = HandshakeState.responder(NoiseProtocol.IK, MachinePublicKey::new)
        .prologue("ovsgw control v2".getBytes(StandardCharsets.US_ASCII)).localStatic(coordinator).random(random).build();
    NoiseException e = assertThrows(NoiseException.class, () -> r.readMessage(i.writeMessage(new byte[0])));
    assertEquals(NoiseException.Reason.DECRYPT_FAILED, e.reason());
    assertThrows(IllegalStateException.class, () -> r.writeMessage(new byte[0]), "still waiting for a good first message");
  }

  @Test
  void everyFlippedBitAndEveryTruncationIsRefused() throws Exception {
    byte[] message = initiator(NoiseProtocol.IK).writeMessage(new byte[8]);
    for (int bit = 0; bit < message.length * 8; bit += 7) {
      byte[] bad = message.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(NoiseException.class, () -> responder(NoiseProtocol.IK).build().readMessage(bad));
    }
    NoiseException shortOne = assertThrows(NoiseException.class,
        () -> responder(NoiseProtocol.IK).build().readMessage(Arrays.copyOf(message, 95)));
    assertEquals(NoiseException.Reason.MALFORMED, shortOne.reason());
    assertArrayEquals(new byte[8], responder(NoiseProtocol.IK).build().readMessage(message));
  }

  /** A forged second message changes nothing: the genuine one, arriving later, still completes. */
  @Test
  void aFailedReadLeavesTheHandshakeAsItWas() throws Exception {
    HandshakeState<CoordinatorPublicKey> i = initiator(NoiseProtocol.IK);
    HandshakeState<MachinePublicKey> r = responder(NoiseProtocol.IK).build();
    r.readMessage(i.writeMessage(new byte[0]));
    byte[] genuine = r.writeMessage(new byte[] {9});
    byte[] forged = genuine.clone();
    forged[40] ^= 1;
    assertThrows(NoiseException.class, () -> i.readMessage(forged));
    assertThrows(NoiseException.class, () -> i.readMessage(new byte[10]));
    assertFalse(i.isComplete());
    assertArrayEquals(new byte[] {9}, i.readMessage(genuine));
    assertArrayEquals(i.handshakeHash(), r.handshakeHash());
  }

  @Test
  void responderCanRefuseAnInitiatorBeforeAnyWorkWithItsKey() throws Exception {
    HandshakeState<MachinePublicKey> r = responder(NoiseProtocol.IK).remoteStaticCheck(key -> {
      throw new NoiseException(NoiseException.Reason.REMOTE_STATIC_REJECTED, "unknown machine " + key.shortString());
    }).build();
    NoiseException e = assertThrows(NoiseException.class, () -> r.readMessage(initiator(NoiseProtocol.IK).writeMessage(new byte[0])));
    assertEquals(NoiseException.Reason.REMOTE_STATIC_REJECTED, e.reason());
  }

  @Test
  void pskComesFromTheCheckAndAWrongPskFails() throws Exception {
    PresharedKey psk = PresharedKey.generate(random);
    PrecomputedStaticStatic rss = PrecomputedStaticStatic.compute(coordinator, machine.publicKey());
    PrecomputedStaticStatic iss = PrecomputedStaticStatic.compute(machine, coordinator.publicKey());
    HandshakeState<CoordinatorPublicKey> i = HandshakeState.initiator(NoiseProtocol.IK_PSK2, coordinator.publicKey())
        .prologue(PROLOGUE).localStatic(machine).random(random).presharedKey(psk).precomputed(iss).build();
    HandshakeState<MachinePublicKey> r = responder(NoiseProtocol.IK_PSK2)
        .remoteStaticCheck(key -> new RemoteStaticCheck.Secrets(psk, rss)).build();
    r.readMessage(i.writeMessage(new byte[0]));
    i.readMessage(r.writeMessage(new byte[0]));
    assertArrayEquals(i.handshakeHash(), r.handshakeHash());

    HandshakeState<CoordinatorPublicKey> i2 = HandshakeState.initiator(NoiseProtocol.IK_PSK2, coordinator.publicKey())
        .prologue(PROLOGUE).localStatic(machine).random(random).presharedKey(psk).build();
    HandshakeState<MachinePublicKey> r2 = responder(NoiseProtocol.IK_PSK2).build();
    r2.readMessage(i2.writeMessage(new byte[0]));
    r2.presharedKey(PresharedKey.generate(random));
    byte[] m2 = r2.writeMessage(new byte[0]);
    assertEquals(NoiseException.Reason.DECRYPT_FAILED, assertThrows(NoiseException.class, () -> i2.readMessage(m2)).reason());
  }

  @Test
  void lowOrderRemoteKeyIsATypedError() throws Exception {
    HandshakeState<CoordinatorPublicKey> i = HandshakeState.initiator(NoiseProtocol.IK, new CoordinatorPublicKey(new byte[32]))
        .prologue(PROLOGUE).localStatic(machine).random(random).build();
    assertEquals(NoiseException.Reason.INVALID_PUBLIC_KEY,
        assertThrows(NoiseException.class, () -> i.writeMessage(new byte[0])).reason());
  }

  @Test
  void misuseIsAnIllegalStateNotANetworkError() {
    HandshakeState<MachinePublicKey> r = responder(NoiseProtocol.IK).build();
    assertThrows(IllegalStateException.class, () -> r.writeMessage(new byte[0]));
    assertThrows(IllegalStateException.class, r::remoteStatic);
    assertThrows(IllegalStateException.class, r::handshakeHash);
    assertThrows(IllegalStateException.class,
        () -> HandshakeState.initiator(NoiseProtocol.IK_PSK2, coordinator.publicKey()).localStatic(machine).random(random).build());
    assertThrows(IllegalStateException.class,
        () -> HandshakeState.initiator(NoiseProtocol.IK, coordinator.publicKey()).random(random).build());
  }
}
