package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.control.SecretToken.Kind;
import com.oversoc.mesh.protocol.control.SecretToken.TokenFormatException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretTokenTest {
  final SecureRandom random = new SecureRandom();

  @Test
  void aGeneratedTokenParsesBackAndMatchesItsHash() {
    SecretToken t = SecretToken.generate(Kind.PRE_AUTH_KEY, random);
    String text = t.reveal();
    assertTrue(text.matches("ovsgw-key-[0-9a-f]{16}-[A-Za-z0-9_-]{43}"), text);
    SecretToken back = SecretToken.parse(Kind.PRE_AUTH_KEY, text);
    assertEquals(t, back);
    assertTrue(back.matches(t.hash()));
    assertEquals(32, t.hash().length);
  }

  @Test
  void theTextNeverAppearsInToString() {
    SecretToken t = SecretToken.generate(Kind.ADMIN_TOKEN, random);
    String secret = t.reveal().substring(t.reveal().lastIndexOf('-') + 1);
    assertFalse(t.toString().contains(secret));
    assertTrue(t.toString().startsWith("ovsgw-admin-" + t.id()));
  }

  @Test
  void aDifferentSecretWithTheSameIdDoesNotMatch() {
    SecretToken t = SecretToken.generate(Kind.PRE_AUTH_KEY, random);
    String other = SecretToken.generate(Kind.PRE_AUTH_KEY, random).reveal();
    SecretToken forged = SecretToken.parse(Kind.PRE_AUTH_KEY, "ovsgw-key-" + t.id() + other.substring(26));
    assertEquals(t.id(), forged.id());
    assertFalse(forged.matches(t.hash()));
    assertNotEquals(t, forged);
  }

  @Test
  void malformedTextIsRefusedWithoutEchoingIt() {
    for (String bad : new String[] {"", "ovsgw-key-", "ovsgw-key-0123456789abcdef", "ovsgw-key-0123-abc",
        "ovsgw-admin-0123456789abcdef-" + "A".repeat(43), "ovsgw-key-0123456789ABCDEF-" + "A".repeat(43),
        "ovsgw-key-0123456789abcdef-" + "A".repeat(42) + "!", "ovsgw-key-0123456789abcdef-" + "A".repeat(44)}) {
      TokenFormatException e = assertThrows(TokenFormatException.class, () -> SecretToken.parse(Kind.PRE_AUTH_KEY, bad));
      assertTrue(e.getMessage().contains("accepted: ovsgw-key-<16 hex digits>"), e.getMessage());
      if (bad.length() > 20) {
        assertFalse(e.getMessage().contains(bad), "the text is not echoed");
      }
    }
    assertThrows(TokenFormatException.class, () -> SecretToken.parse(Kind.PRE_AUTH_KEY, null));
  }
}
