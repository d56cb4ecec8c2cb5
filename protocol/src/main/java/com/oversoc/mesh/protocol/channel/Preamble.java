package com.oversoc.mesh.protocol.channel;

import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * The 6 bytes each side sends first: a 4-byte ASCII magic naming the protocol and its version.
 *
 * @param magic 4 ASCII characters
 * @param version u16
 */
public record Preamble(String magic, int version) {

  public byte[] encode() {
    byte[] out = new byte[ChannelProtocol.PREAMBLE_LENGTH];
    writeTo(out, 0);
    return out;
  }

  void writeTo(byte[] out, int offset) {
    byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(m, 0, out, offset, 4);
    out[offset + 4] = (byte) (version >>> 8);
    out[offset + 5] = (byte) version;
  }

  /**
   * Reads a preamble and checks it against what this side expects.
   *
   * @throws ChannelException BAD_PREAMBLE if the magic differs (not our protocol at all),
   *     UNSUPPORTED_VERSION if only the version differs
   */
  public static Preamble check(byte[] bytes, ChannelProtocol.Kind expected) throws ChannelException {
    if (bytes.length != ChannelProtocol.PREAMBLE_LENGTH) {
      throw new ChannelException(Reason.BAD_PREAMBLE, "preamble is 6 bytes, got " + bytes.length);
    }
    byte[] want = expected.magic().getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 4; i++) {
      if (bytes[i] != want[i]) {
        throw new ChannelException(Reason.BAD_PREAMBLE,
            "the peer does not speak the ovsgw " + expected.name() + " protocol");
      }
    }
    int version = (bytes[4] & 0xff) << 8 | (bytes[5] & 0xff);
    if (version != expected.version()) {
      throw new ChannelException(Reason.UNSUPPORTED_VERSION,
          "the peer speaks " + expected.name() + " version " + version + ", this build speaks "
              + expected.version());
    }
    return new Preamble(expected.magic(), version);
  }
}
