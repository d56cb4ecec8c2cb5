package com.oversoc.mesh.protocol.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeysTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 7748 section 6.1.
  private static final byte[] ALICE_PRIVATE =
      HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  private static final byte[] ALICE_PUBLIC =
      HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  private static final byte[] BOB_PRIVATE =
      HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  private static final byte[] BOB_PUBLIC =
      HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  private static final byte[] SHARED =
      HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

  @Test
  void derivesPublicKeysAndAgreesAsRfc7748() {
    NodePrivateKey alice = new NodePrivateKey(ALICE_PRIVATE);
    NodePrivateKey bob = new NodePrivateKey(BOB_PRIVATE);
    assertArrayEquals(ALICE_PUBLIC, alice.publicKey().bytes());
    assertArrayEquals(BOB_PUBLIC, bob.publicKey().bytes());

    byte[] ab = new byte[32];
    byte[] ba = new byte[32];
    alice.agree(bob.publicKey(), ab, 0);
    bob.agree(alice.publicKey(), ba, 0);
    assertArrayEquals(SHARED, ab);
    assertArrayEquals(SHARED, ba);
  }

  @Test
  void base64FormRoundTripsLikeWg() {
    NodePublicKey pub = new NodePublicKey(ALICE_PUBLIC);
    String text = pub.toBase64();
    assertEquals(44, text.length());
    assertEquals(pub, NodePublicKey.parse(text));
    assertEquals(pub, NodePublicKey.parse("  " + text + "\n"));
  }

  @Test
  void malformedTextIsATypedErrorNamingWhatIsAccepted() {
    KeyFormatException empty = assertThrows(KeyFormatException.class, () -> NodePublicKey.parse(""));
    assertTrue(empty.getMessage().contains("44 characters of base64"));
    assertThrows(KeyFormatException.class, () -> NodePublicKey.parse("not-a-key"));
    assertThrows(KeyFormatException.class, () -> NodePublicKey.parse("!".repeat(44)));
    // 44 characters of base64 that decode to 33 bytes are impossible; 45 characters are refused by length.
    assertThrows(KeyFormatException.class, () -> NodePublicKey.parse("A".repeat(45)));
    assertThrows(KeyFormatException.class, () -> new NodePublicKey(new byte[31]));
  }

  @Test
  void privateKeysNeverPrintTheirMaterial() {
    NodePrivateKey key = new NodePrivateKey(ALICE_PRIVATE);
    String printed = key.toString();
    assertFalse(printed.contains(key.toBase64()), printed);
    assertFalse(printed.contains(key.toBase64().substring(0, 8)), printed);
    assertTrue(printed.contains("redacted"));
  }

  @Test
  void keysOfDifferentRolesAreNeverEqual() {
    assertNotEquals(new NodePublicKey(ALICE_PUBLIC), new MachinePublicKey(ALICE_PUBLIC));
    assertEquals(new MachinePublicKey(ALICE_PUBLIC), new MachinePublicKey(ALICE_PUBLIC.clone()));
  }

  @Test
  void destroyedKeyZerosItsMaterialAndRefusesUse() {
    MachinePrivateKey key = MachinePrivateKey.generate(new SecureRandom());
    key.destroy();
    assertTrue(key.isDestroyed());
    assertArrayEquals(new byte[32], key.bytes());
    assertThrows(IllegalStateException.class,
        () -> key.agree(new MachinePublicKey(BOB_PUBLIC), new byte[32], 0));
  }

  @Test
  void lowOrderPeerPointIsRefused() {
    NodePrivateKey alice = new NodePrivateKey(ALICE_PRIVATE);
    // The all-zero point has order 1: the agreement would be all zeros.
    assertThrows(KeyFormatException.class,
        () -> alice.agree(new NodePublicKey(new byte[32]), new byte[32], 0));
  }

  @Test
  void generatedKeysAreClampedAndDistinct() {
    SecureRandom random = new SecureRandom();
    NodePrivateKey a = NodePrivateKey.generate(random);
    NodePrivateKey b = NodePrivateKey.generate(random);
    assertNotEquals(a.publicKey(), b.publicKey());
    byte[] raw = a.bytes();
    assertEquals(0, raw[0] & 7);
    assertEquals(64, raw[31] & 0xc0);
  }
}
