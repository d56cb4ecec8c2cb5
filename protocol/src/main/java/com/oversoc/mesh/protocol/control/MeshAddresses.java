package com.oversoc.mesh.protocol.control;

import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Mesh addresses of a node, derived from its address index (the node id, never reused) so that
 * they are stable for the node's life: IPv4 {@code 100.64.0.0 + index} inside the shared address
 * space 100.64.0.0/10 (RFC 6598), and IPv6 {@code <ULA /48>::<the same IPv4>}, inside a
 * unique local prefix (RFC 4193) generated once per mesh.
 */
public final class MeshAddresses {
  /** 100.64.0.0/10 has 2^22 addresses; the first and last are left unused. */
  public static final long MAX_INDEX = (1L << 22) - 2;

  private static final int CGNAT_BASE = 100 << 24 | 64 << 16;

  private MeshAddresses() {}

  public static IpLiteral ipv4(long index) {
    checkIndex(index);
    int a = CGNAT_BASE + (int) index;
    return IpLiteral.ofBytes(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
  }

  public static IpLiteral ipv6(UlaPrefix prefix, long index) {
    byte[] out = new byte[16];
    System.arraycopy(prefix.bytes, 0, out, 0, UlaPrefix.BYTES);
    System.arraycopy(ipv4(index).bytes(), 0, out, 12, 4);
    return IpLiteral.ofBytes(out);
  }

  private static void checkIndex(long index) {
    if (index < 1 || index > MAX_INDEX) {
      throw new IllegalArgumentException("address index " + index + " is outside 1.." + MAX_INDEX
          + " (100.64.0.0/10 is full)");
    }
  }

  /** A /48 unique local IPv6 prefix, {@code fdXX:XXXX:XXXX::/48}. */
  public static final class UlaPrefix {
    static final int BYTES = 6;
    private final byte[] bytes;

    private UlaPrefix(byte[] bytes) {
      this.bytes = bytes;
    }

    /** RFC 4193 section 3.2: fd00::/8 followed by a 40-bit random global id. */
    public static UlaPrefix generate(SecureRandom random) {
      byte[] b = new byte[BYTES];
      random.nextBytes(b);
      b[0] = (byte) 0xfd;
      return new UlaPrefix(b);
    }

    /**
     * Parses {@code fdXX:XXXX:XXXX::/48}.
     *
     * @throws AddressFormatException if it is not a /48 inside fd00::/8
     */
    public static UlaPrefix parse(String text) {
      String accepted = "; accepted: a /48 inside fd00::/8, e.g. fd7a:115c:a1e0::/48";
      if (text == null || !text.endsWith("/48")) {
        throw new AddressFormatException("'" + text + "' is not a /48 prefix" + accepted);
      }
      byte[] raw = IpLiteral.parse(text.substring(0, text.length() - 3)).bytes();
      if (raw.length != 16 || raw[0] != (byte) 0xfd) {
        throw new AddressFormatException("'" + text + "' is not a unique local (fd00::/8) prefix" + accepted);
      }
      for (int i = BYTES; i < 16; i++) {
        if (raw[i] != 0) {
          throw new AddressFormatException("'" + text + "' has bits set past /48" + accepted);
        }
      }
      return new UlaPrefix(Arrays.copyOf(raw, BYTES));
    }

    @Override
    public String toString() {
      byte[] full = Arrays.copyOf(bytes, 16);
      return IpLiteral.ofBytes(full) + "/48";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof UlaPrefix p && Arrays.equals(p.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
