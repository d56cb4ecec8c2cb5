package com.oversoc.mesh.protocol.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.1.50, 10.0.1.50",
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "::, ::",
    "::1, ::1",
    "fd7a:115c:a1e0::1, fd7a:115c:a1e0::1",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "[2001:db8::1], 2001:db8::1",
    "::ffff:192.0.2.1, ::ffff:c000:201",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
  })
  void parsesLiteralsToCanonicalText(String text, String canonical) throws Exception {
    IpLiteral ip = IpLiteral.parse(text);
    assertEquals(canonical, ip.toString());
    // Cross-check with the JDK's literal parser (it does no lookup for literals). The JDK turns
    // IPv4-mapped IPv6 into a 4-byte address, so compare only same-family results.
    String bare = text.startsWith("[") ? text.substring(1, text.length() - 1) : text;
    byte[] jdk = InetAddress.getByName(bare).getAddress();
    if (jdk.length == ip.bytes().length) {
      assertArrayEquals(jdk, ip.bytes());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "localhost", "example.com", "10.0.1", "10.0.1.50.1", "256.0.0.1", "010.0.0.1", "1.2.3.-4",
    "10.0.1.50 ", " 10.0.1.50", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1",
    "fe80::1%eth0", "::g", ":1", "1:", "[::1", "::1]", "1:2:3:4:5:6:7:8::", "::ffff:1.2.3",
    "1.2.3.4::", "::1.2.3.4:5"
  })
  void refusesEverythingElseWithATypedError(String text) {
    AddressFormatException e = assertThrows(AddressFormatException.class, () -> IpLiteral.parse(text));
    assertTrue(e.getMessage().contains("accepted"), e.getMessage());
    assertFalse(IpLiteral.isLiteral(text));
  }

  @Test
  void hostNameIsNeverResolved() {
    AddressFormatException e =
        assertThrows(AddressFormatException.class, () -> IpLiteral.parse("api.customer.internal"));
    assertTrue(e.getMessage().contains("not resolved"));
  }

  @Test
  void rawBytesRoundTrip() {
    IpLiteral v4 = IpLiteral.ofBytes(new byte[] {(byte) 192, 0, 2, 1});
    assertEquals("192.0.2.1", v4.toString());
    assertTrue(v4.isIpv4());
    assertEquals(v4, IpLiteral.of(v4.toInetAddress()));
    assertThrows(AddressFormatException.class, () -> IpLiteral.ofBytes(new byte[5]));
  }
}
