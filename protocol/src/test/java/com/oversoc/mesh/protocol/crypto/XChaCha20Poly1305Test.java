package com.oversoc.mesh.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** draft-irtf-cfrg-xchacha-03. */
class XChaCha20Poly1305Test {
  private static final HexFormat HEX = HexFormat.of();

  /** Section 2.2.1. */
  @Test
  void hChaCha20() {
    assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
        HEX.formatHex(XChaCha20Poly1305.hChaCha20(
            HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
            HEX.parseHex("000000090000004a0000000031415927"))));
  }

  /** Appendix A.3.1. */
  @Test
  void aeadVector() throws Exception {
    byte[] nonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
    String expected = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        + "21f9664c97637da9768812f615c68b13b52e"
        + "c0875924c1c7987947deafd8780acf49";
    byte[] sealed = XChaCha20Poly1305.seal(ChaCha20Poly1305Test.KEY, nonce, ChaCha20Poly1305Test.AAD,
        ChaCha20Poly1305Test.SUNSCREEN);
    assertEquals(expected, HEX.formatHex(sealed));
    assertArrayEquals(ChaCha20Poly1305Test.SUNSCREEN,
        XChaCha20Poly1305.open(ChaCha20Poly1305Test.KEY, nonce, ChaCha20Poly1305Test.AAD, sealed));
    nonce[0] ^= 1;
    assertThrows(AEADBadTagException.class,
        () -> XChaCha20Poly1305.open(ChaCha20Poly1305Test.KEY, nonce, ChaCha20Poly1305Test.AAD, sealed));
  }
}
