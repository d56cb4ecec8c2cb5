package com.oversoc.mesh.protocol.channel;

import java.nio.charset.StandardCharsets;

/**
 * Wire format of the secure channel that carries the control protocol (node or relay to
 * coordinator) and the relay protocol (node to relay) over TCP.
 *
 * <pre>
 * Each side first sends a preamble, once:
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        magic (4 ASCII bytes)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |        version (u16)          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * then records, in both directions:
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |        length (u16)           |   body (length bytes) ...     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   client record 1: Noise IK message 1 (-> e, es, s, ss) whose payload is the client's hello
 *   server record 1: Noise IK message 2 (<- e, ee, se) whose payload is a status byte
 *                    (ACCEPTED, or REFUSED followed by a UTF-8 reason), then the server closes
 *                    if it refused
 *   later records:   transport messages, ChaCha20-Poly1305 under the split keys with implicit
 *                    64-bit counters and empty associated data. The client's first transport
 *                    record confirms its keys: the server treats the client as authenticated
 *                    only once that record decrypts, so a replayed message 1 achieves nothing.
 * </pre>
 *
 * <p>The cipher suite is Noise_IK_25519_ChaChaPoly_BLAKE2s. The prologue binds the magic and
 * version, so a peer that saw a different preamble cannot complete the handshake. A server that
 * does not speak the client's version answers with its own preamble and closes, so the client
 * can say which version the server speaks. Records carry a byte stream: the protocol above
 * frames its own messages, so a message may be longer than one record.
 */
public final class ChannelProtocol {
  /** Bytes in a preamble: magic (4) and version (2). */
  public static final int PREAMBLE_LENGTH = 6;
  /** Bytes in a record header: the body length, u16 big-endian. */
  public static final int RECORD_HEADER_LENGTH = 2;
  /** Largest record body: the Noise message limit, 65535 bytes. */
  public static final int MAX_RECORD_LENGTH = 65_535;
  /** Poly1305 tag appended to every encrypted body. */
  public static final int TAG_LENGTH = 16;
  /** Largest plaintext in one transport record. */
  public static final int MAX_RECORD_PLAINTEXT = MAX_RECORD_LENGTH - TAG_LENGTH;
  /**
   * Records one direction may send before the connection must be re-established. Far below
   * the 2^64 nonce space, as WireGuard keeps REJECT_AFTER_MESSAGES below it.
   */
  public static final long MAX_RECORDS_PER_DIRECTION = (1L << 60);

  /** Status byte of the server's handshake payload: the client is admitted. */
  public static final int STATUS_ACCEPTED = 0;
  /** Status byte of the server's handshake payload: refused; a UTF-8 reason follows. */
  public static final int STATUS_REFUSED = 1;
  /** Longest refusal reason a server sends, in bytes. */
  public static final int MAX_REFUSAL_REASON = 256;

  /** The Noise protocol name hashed into the handshake. */
  public static final String NOISE_PROTOCOL_NAME = "Noise_IK_25519_ChaChaPoly_BLAKE2s";
  /** Start of every prologue; the preamble of the channel follows it. */
  static final byte[] PROLOGUE_LABEL = "ovsgw secure channel".getBytes(StandardCharsets.US_ASCII);

  /** The control protocol: nodes and relays to the coordinator. */
  public static final Kind CONTROL = new Kind("control", "OVSC", 1);
  /** The relay protocol: nodes to relays. */
  public static final Kind RELAY = new Kind("relay", "OVSR", 1);

  private ChannelProtocol() {}

  /**
   * One protocol carried by the channel: its magic and the single version this build speaks.
   *
   * @param name for messages, e.g. "control"
   * @param magic exactly 4 ASCII characters
   * @param version 0..65535
   */
  public record Kind(String name, String magic, int version) {
    public Kind {
      if (magic.length() != 4 || !magic.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("magic must be 4 printable ASCII characters: " + magic);
      }
      if (version < 0 || version > 0xffff) {
        throw new IllegalArgumentException("version must fit in 16 bits: " + version);
      }
    }

    /** The preamble this side sends. */
    public Preamble preamble() {
      return new Preamble(magic, version);
    }

    /** The Noise prologue: a fixed label, then the preamble bytes. */
    public byte[] prologue() {
      byte[] p = new byte[PROLOGUE_LABEL.length + PREAMBLE_LENGTH];
      System.arraycopy(PROLOGUE_LABEL, 0, p, 0, PROLOGUE_LABEL.length);
      preamble().writeTo(p, PROLOGUE_LABEL.length);
      return p;
    }
  }
}
