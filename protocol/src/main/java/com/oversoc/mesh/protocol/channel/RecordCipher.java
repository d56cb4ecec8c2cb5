package com.oversoc.mesh.protocol.channel;

import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.noise.CipherState;
import com.oversoc.mesh.protocol.noise.NoiseException;
import com.oversoc.mesh.protocol.noise.TransportCiphers;
import java.util.ArrayList;
import java.util.List;

/**
 * The record layer of an established channel: cuts outgoing bytes into records of at most
 * {@link ChannelProtocol#MAX_RECORD_PLAINTEXT} bytes and seals them, opens incoming record
 * bodies. Counters are implicit: TCP delivers records in order, so a record that fails to open
 * (tampered, dropped, replayed or reordered) ends the channel; there is nothing to resynchronise.
 *
 * <p>Not thread-safe: one stage drives both directions.
 */
public final class RecordCipher {
  private static final byte[] NO_AD = new byte[0];

  private final CipherState sender;
  private final CipherState receiver;
  private final byte[] handshakeHash;

  RecordCipher(TransportCiphers ciphers) {
    this.sender = ciphers.sender();
    this.receiver = ciphers.receiver();
    this.sender.limitMessages(ChannelProtocol.MAX_RECORDS_PER_DIRECTION);
    this.receiver.limitMessages(ChannelProtocol.MAX_RECORDS_PER_DIRECTION);
    this.handshakeHash = ciphers.handshakeHash();
  }

  /**
   * Seals {@code plaintext[offset..offset+length)} into as many framed records (header and
   * body) as it takes. Zero bytes make one empty record (the client's key confirmation).
   *
   * @throws ChannelException REKEY_REQUIRED once this direction has used its record budget
   */
  public List<byte[]> seal(byte[] plaintext, int offset, int length) throws ChannelException {
    List<byte[]> records = new ArrayList<>(length / ChannelProtocol.MAX_RECORD_PLAINTEXT + 1);
    int pos = offset;
    int end = offset + length;
    do {
      int n = Math.min(end - pos, ChannelProtocol.MAX_RECORD_PLAINTEXT);
      int bodyLength = n + ChannelProtocol.TAG_LENGTH;
      byte[] record = new byte[ChannelProtocol.RECORD_HEADER_LENGTH + bodyLength];
      record[0] = (byte) (bodyLength >>> 8);
      record[1] = (byte) bodyLength;
      try {
        sender.encrypt(NO_AD, plaintext, pos, n, record, ChannelProtocol.RECORD_HEADER_LENGTH);
      } catch (NoiseException e) {
        throw new ChannelException(Reason.REKEY_REQUIRED, "send record budget used up", e);
      }
      records.add(record);
      pos += n;
    } while (pos < end);
    return records;
  }

  /**
   * Opens one record body (as {@link RecordReader#next()} returns it).
   *
   * @throws ChannelException DECRYPT_FAILED if it does not authenticate, REKEY_REQUIRED at the budget
   */
  public byte[] open(byte[] body) throws ChannelException {
    if (body.length < ChannelProtocol.TAG_LENGTH) {
      throw new ChannelException(Reason.DECRYPT_FAILED, "record of " + body.length + " bytes is shorter than its tag");
    }
    byte[] out = new byte[body.length - ChannelProtocol.TAG_LENGTH];
    try {
      receiver.decrypt(NO_AD, body, 0, body.length, out, 0);
    } catch (NoiseException e) {
      throw new ChannelException(
          e.reason() == NoiseException.Reason.NONCE_EXHAUSTED ? Reason.REKEY_REQUIRED : Reason.DECRYPT_FAILED,
          "record " + (receiver.nonce()) + " does not authenticate", e);
    }
    return out;
  }

  /** A value both ends share and nobody else has: binds application data to this channel. */
  public byte[] handshakeHash() {
    return handshakeHash.clone();
  }

  /** Zeros the keys; the channel is unusable afterwards. */
  public void destroy() {
    sender.destroy();
    receiver.destroy();
  }
}
