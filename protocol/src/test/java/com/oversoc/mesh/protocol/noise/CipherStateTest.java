package com.oversoc.mesh.protocol.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CipherStateTest {
  private static final byte[] AD = "frame header".getBytes(StandardCharsets.US_ASCII);

  private static CipherState[] pair() {
    byte[] key = new byte[32];
    key[0] = 42;
    return new CipherState[] {new CipherState(key), new CipherState(key)};
  }

  @Test
  void framedChannelRoundTripsInOrder() throws Exception {
    CipherState[] p = pair();
    for (int i = 0; i < 5; i++) {
      byte[] msg = ("message " + i).getBytes(StandardCharsets.US_ASCII);
      byte[] frame = p[0].encrypt(AD, msg);
      assertEquals(msg.length + CipherState.TAG_LENGTH, frame.length);
      assertArrayEquals(msg, p[1].decrypt(AD, frame));
    }
    assertEquals(5, p[0].nonce());
    assertEquals(5, p[1].nonce());
  }

  @Test
  void failedDecryptionLeavesTheNonceWhereItWas() throws Exception {
    CipherState[] p = pair();
    byte[] frame = p[0].encrypt(AD, new byte[10]);
    byte[] forged = frame.clone();
    forged[3] ^= 0x10;
    NoiseException e = assertThrows(NoiseException.class, () -> p[1].decrypt(AD, forged));
    assertEquals(NoiseException.Reason.DECRYPT_FAILED, e.reason());
    assertEquals(0, p[1].nonce());
    assertArrayEquals(new byte[10], p[1].decrypt(AD, frame));
    assertEquals(NoiseException.Reason.MALFORMED,
        assertThrows(NoiseException.class, () -> p[1].decrypt(AD, new byte[15])).reason());
  }

  @Test
  void datagramsCarryTheirOwnNonce() throws Exception {
    CipherState[] p = pair();
    byte[] first = p[0].encrypt(AD, new byte[] {1});
    byte[] second = p[0].encrypt(AD, new byte[] {2});
    byte[] out = new byte[1];
    assertEquals(1, p[1].decryptWithNonce(1, AD, second, 0, second.length, out, 0));
    assertEquals(2, out[0]);
    assertEquals(1, p[1].decryptWithNonce(0, AD, first, 0, first.length, out, 0));
    assertEquals(1, out[0]);
    assertEquals(0, p[1].nonce(), "explicit nonces leave the counter alone");
  }

  @Test
  void messageLimitIsTheLastRefusedNonce() throws Exception {
    CipherState[] p = pair();
    p[0].limitMessages(3);
    p[0].setNonce(2);
    byte[] last = p[0].encrypt(AD, new byte[1]);
    NoiseException e = assertThrows(NoiseException.class, () -> p[0].encrypt(AD, new byte[1]));
    assertEquals(NoiseException.Reason.NONCE_EXHAUSTED, e.reason());
    p[1].limitMessages(3);
    assertEquals(1, p[1].decryptWithNonce(2, AD, last, 0, last.length, new byte[1], 0));
    assertThrows(NoiseException.class, () -> p[1].decryptWithNonce(3, AD, last, 0, last.length, new byte[1], 0));
  }

  @Test
  void theReservedMaximumNonceIsNeverUsedForAMessage() {
    CipherState[] p = pair();
    p[0].setNonce(CipherState.MAX_NONCE);
    assertEquals(NoiseException.Reason.NONCE_EXHAUSTED,
        assertThrows(NoiseException.class, () -> p[0].encrypt(AD, new byte[1])).reason());
  }

  @Test
  void rekeyOnBothEndsKeepsTheChannelAndChangesTheKey() throws Exception {
    CipherState[] p = pair();
    byte[] before = p[0].encrypt(AD, new byte[4]);
    p[1].decrypt(AD, before);
    p[0].rekey();
    p[1].rekey();
    assertEquals(1, p[0].nonce(), "rekey keeps the nonce");
    byte[] after = p[0].encrypt(AD, new byte[4]);
    assertArrayEquals(new byte[4], p[1].decrypt(AD, after));

    CipherState stale = pair()[1];
    stale.setNonce(1);
    assertThrows(NoiseException.class, () -> stale.decrypt(AD, after));
  }

  @Test
  void withoutAKeyPayloadsPassThroughAndDestroyIsFinal() throws Exception {
    CipherState empty = new CipherState();
    assertFalse(empty.hasKey());
    assertArrayEquals(new byte[] {7}, empty.encrypt(AD, new byte[] {7}));
    CipherState[] p = pair();
    p[0].destroy();
    assertThrows(IllegalStateException.class, () -> p[0].encrypt(AD, new byte[1]));
  }
}
