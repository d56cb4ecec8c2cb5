package com.oversoc.mesh.protocol.transport.frame;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Closes the connection with an error code and a short human-readable reason (UTF-8).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type (0x1c)  |       Error Code (16)         |Reason Length..|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | (16)          |  Reason (UTF-8) ...
 * +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param errorCode a {@link com.oversoc.mesh.protocol.transport.ConnectionError} wire value
 */
public record CloseFrame(int errorCode, String reason) implements Frame {
  public static final int ERROR_CODE_OFFSET = 1;
  public static final int ERROR_CODE_SIZE = 2;
  public static final int REASON_LENGTH_OFFSET = ERROR_CODE_OFFSET + ERROR_CODE_SIZE;
  public static final int REASON_LENGTH_SIZE = 2;
  public static final int FIXED_SIZE = REASON_LENGTH_OFFSET + REASON_LENGTH_SIZE;
  /** Longest reason on the wire, in bytes; longer reasons are cut (at a character boundary). */
  public static final int MAX_REASON_BYTES = 256;

  public CloseFrame {
    if ((errorCode & ~0xffff) != 0) {
      throw new IllegalArgumentException("error code is 16 bits: " + errorCode);
    }
    reason = truncate(reason == null ? "" : reason);
  }

  private static String truncate(String reason) {
    if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = reason.length();
    while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      end--;
      if (Character.isLowSurrogate(reason.charAt(end))) {
        end--;
      }
    }
    return reason.substring(0, end);
  }

  @Override
  public FrameType type() {
    return FrameType.CLOSE;
  }

  @Override
  public int encodedSize() {
    return FIXED_SIZE + reason.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public boolean ackEliciting() {
    return false;
  }

  @Override
  public void encode(ByteBuffer out) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    out.put((byte) FrameType.CLOSE.wire());
    out.putShort((short) errorCode);
    out.putShort((short) text.length);
    out.put(text);
  }

  static CloseFrame decode(ByteBuffer in) throws FrameException {
    FrameException.need(in, FIXED_SIZE - 1, FrameType.CLOSE);
    int code = in.getShort() & 0xffff;
    int length = in.getShort() & 0xffff;
    if (length > MAX_REASON_BYTES) {
      throw new FrameException(FrameError.INVALID_FIELD,
          "CLOSE reason of " + length + " bytes, at most " + MAX_REASON_BYTES);
    }
    FrameException.need(in, length, FrameType.CLOSE);
    ByteBuffer text = in.slice(in.position(), length);
    in.position(in.position() + length);
    try {
      String reason = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(text)
          .toString();
      return new CloseFrame(code, reason);
    } catch (CharacterCodingException e) {
      throw new FrameException(FrameError.INVALID_FIELD, "CLOSE reason is not UTF-8");
    }
  }
}
