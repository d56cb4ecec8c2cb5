package com.oversoc.mesh.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.control.MeshAddresses.UlaPrefix;
import com.oversoc.mesh.protocol.net.AddressFormatException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class MeshAddressesTest {
  @Test
  void ipv4AddressesCountUpInsideTheSharedAddressSpace() {
    assertEquals("100.64.0.1", MeshAddresses.ipv4(1).toString());
    assertEquals("100.64.1.0", MeshAddresses.ipv4(256).toString());
    assertEquals("100.127.255.254", MeshAddresses.ipv4(MeshAddresses.MAX_INDEX).toString());
    assertThrows(IllegalArgumentException.class, () -> MeshAddresses.ipv4(0));
    assertThrows(IllegalArgumentException.class, () -> MeshAddresses.ipv4(MeshAddresses.MAX_INDEX + 1));
  }

  @Test
  void ipv6AddressesEmbedTheIpv4InTheMeshPrefix() {
    UlaPrefix p = UlaPrefix.parse("fd7a:115c:a1e0::/48");
    assertEquals("fd7a:115c:a1e0::6440:1", MeshAddresses.ipv6(p, 1).toString());
    assertEquals(MeshAddresses.ipv6(p, 77), MeshAddresses.ipv6(p, 77), "stable");
  }

  @Test
  void generatedPrefixesAreUniqueLocalSlash48s() {
    UlaPrefix p = UlaPrefix.generate(new SecureRandom());
    assertTrue(p.toString().startsWith("fd"), p.toString());
    assertTrue(p.toString().endsWith("::/48"), p.toString());
    assertEquals(p, UlaPrefix.parse(p.toString()));
  }

  @Test
  void onlyUniqueLocalSlash48sAreAccepted() {
    for (String bad : new String[] {"2001:db8::/48", "fd7a:115c:a1e0::", "fd7a:115c:a1e0:1::/48",
        "fd7a:115c:a1e0::/64", "100.64.0.0/10", "nonsense"}) {
      assertThrows(AddressFormatException.class, () -> UlaPrefix.parse(bad), bad);
    }
  }
}
