package com.oversoc.mesh.protocol.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.channel.ChannelException.Reason;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelHandshakeTest {
  private final SecureRandom random = new SecureRandom();
  private final CoordinatorPrivateKey serverKey = CoordinatorPrivateKey.generate(random);
  private final MachinePrivateKey clientKey = MachinePrivateKey.generate(random);
  private final byte[] hello = "hello from acme-dmz-1".getBytes(StandardCharsets.UTF_8);

  /** Runs both sides in memory through the byte-level wire format. */
  private final class Pair {
    final ChannelClient<CoordinatorPublicKey> client;
    final ChannelServer<MachinePublicKey> server;
    final RecordReader atServer = new RecordReader(ChannelProtocol.CONTROL);
    final RecordReader atClient = new RecordReader(ChannelProtocol.CONTROL);

    Pair(CoordinatorPublicKey pinned) {
      client = new ChannelClient<>(ChannelProtocol.CONTROL, clientKey, pinned, random);
      server = new ChannelServer<>(ChannelProtocol.CONTROL, serverKey, MachinePublicKey::new, random);
    }

    byte[] firstRecordAtServer() throws ChannelException {
      atServer.feed(ByteBuffer.wrap(client.start(hello)));
      return atServer.next();
    }
  }

  private static List<byte[]> records(RecordReader reader, List<byte[]> framed) throws ChannelException {
    List<byte[]> out = new ArrayList<>();
    for (byte[] f : framed) {
      reader.feed(ByteBuffer.wrap(f));
      byte[] r;
      while ((r = reader.next()) != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void clientAndServerAuthenticateEachOtherAndExchangeRecords() throws Exception {
    Pair p = new Pair(serverKey.publicKey());
    ChannelServer.Hello<MachinePublicKey> h = p.server.onClientHandshake(p.firstRecordAtServer());
    assertEquals(clientKey.publicKey(), h.clientKey());
    assertArrayEquals(hello, h.hello());

    ChannelServer.Accepted accepted = p.server.accept("welcome".getBytes(StandardCharsets.UTF_8));
    p.atClient.feed(ByteBuffer.wrap(p.server.preamble()));
    assertNull(p.atClient.next());
    p.atClient.feed(ByteBuffer.wrap(accepted.record()));
    ChannelClient.Established established = p.client.onServerHandshake(p.atClient.next());
    assertEquals("welcome", new String(established.welcome(), StandardCharsets.UTF_8));
    assertArrayEquals(established.cipher().handshakeHash(), accepted.cipher().handshakeHash());

    // The confirmation record, then a message bigger than one record, in both directions.
    byte[] big = new byte[200_000];
    new Random(1).nextBytes(big);
    List<byte[]> toServer = new ArrayList<>(established.cipher().seal(new byte[0], 0, 0));
    toServer.addAll(established.cipher().seal(big, 0, big.length));
    List<byte[]> bodies = records(p.atServer, toServer);
    assertEquals(1 + 4, bodies.size(), "an empty confirmation and 4 records of at most 65519 bytes");
    assertEquals(0, accepted.cipher().open(bodies.get(0)).length);
    ByteBuffer received = ByteBuffer.allocate(big.length);
    for (byte[] b : bodies.subList(1, bodies.size())) {
      received.put(accepted.cipher().open(b));
    }
    assertArrayEquals(big, received.array());

    List<byte[]> back = records(p.atClient, accepted.cipher().seal(hello, 0, hello.length));
    assertArrayEquals(hello, established.cipher().open(back.get(0)));
  }

  @Test
  void aClientPinningAnotherKeyCannotTalkToTheServer() throws Exception {
    Pair p = new Pair(CoordinatorPrivateKey.generate(random).publicKey());
    ChannelException e = assertThrows(ChannelException.class, () -> p.server.onClientHandshake(p.firstRecordAtServer()));
    assertEquals(Reason.HANDSHAKE_FAILED, e.reason());
  }

  @Test
  void refusalCarriesAReasonOnlyTheClientCanRead() throws Exception {
    Pair p = new Pair(serverKey.publicKey());
    p.server.onClientHandshake(p.firstRecordAtServer());
    byte[] record = p.server.refuse("node key revoked");
    p.atClient.feed(ByteBuffer.wrap(p.server.preamble()));
    p.atClient.next();
    p.atClient.feed(ByteBuffer.wrap(record));
    ChannelException e = assertThrows(ChannelException.class, () -> p.client.onServerHandshake(p.atClient.next()));
    assertEquals(Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().endsWith("node key revoked"), e.getMessage());
  }

  @Test
  void tamperedReorderedOrReplayedRecordsEndTheChannel() throws Exception {
    Pair p = new Pair(serverKey.publicKey());
    p.server.onClientHandshake(p.firstRecordAtServer());
    ChannelServer.Accepted accepted = p.server.accept(new byte[0]);
    p.atClient.feed(ByteBuffer.wrap(p.server.preamble()));
    p.atClient.next();
    p.atClient.feed(ByteBuffer.wrap(accepted.record()));
    RecordCipher client = p.client.onServerHandshake(p.atClient.next()).cipher();

    List<byte[]> bodies = records(p.atServer, List.of(
        client.seal(hello, 0, hello.length).get(0), client.seal(hello, 0, hello.length).get(0)));
    byte[] tampered = bodies.get(0).clone();
    tampered[3] ^= 1;
    assertEquals(Reason.DECRYPT_FAILED, assertThrows(ChannelException.class, () -> accepted.cipher().open(tampered)).reason());
    // The failed open consumed nothing: the genuine first record still opens, then order matters.
    assertArrayEquals(hello, accepted.cipher().open(bodies.get(0)));
    assertEquals(Reason.DECRYPT_FAILED,
        assertThrows(ChannelException.class, () -> accepted.cipher().open(bodies.get(0))).reason());
    assertEquals(Reason.DECRYPT_FAILED,
        assertThrows(ChannelException.class, () -> accepted.cipher().open(new byte[3])).reason());
  }

  @Test
  void aReplayedFirstMessageGivesTheReplayerNothing() throws Exception {
    Pair p = new Pair(serverKey.publicKey());
    byte[] first = p.firstRecordAtServer();
    p.server.onClientHandshake(first);

    // An attacker replays the same message 1 to a fresh server: it reads fine (IK has no
    // freshness in message 1), but the attacker lacks the keys to produce the confirmation.
    ChannelServer<MachinePublicKey> replayed =
        new ChannelServer<>(ChannelProtocol.CONTROL, serverKey, MachinePublicKey::new, random);
    assertEquals(clientKey.publicKey(), replayed.onClientHandshake(first).clientKey());
    RecordCipher serverSide = replayed.accept(new byte[0]).cipher();
    byte[] forged = new byte[ChannelProtocol.TAG_LENGTH];
    random.nextBytes(forged);
    assertEquals(Reason.DECRYPT_FAILED, assertThrows(ChannelException.class, () -> serverSide.open(forged)).reason());
  }

  @Test
  void preambleOfAnotherProtocolOrVersionIsRefusedByName() {
    RecordReader reader = new RecordReader(ChannelProtocol.CONTROL);
    reader.feed(ByteBuffer.wrap(ChannelProtocol.RELAY.preamble().encode()));
    assertEquals(Reason.BAD_PREAMBLE, assertThrows(ChannelException.class, reader::next).reason());

    RecordReader v2 = new RecordReader(ChannelProtocol.CONTROL);
    v2.feed(ByteBuffer.wrap(new Preamble("OVSC", 2).encode()));
    ChannelException e = assertThrows(ChannelException.class, v2::next);
    assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
    assertEquals("UNSUPPORTED_VERSION: the peer speaks control version 2, this build speaks 1", e.getMessage());

    RecordReader http = new RecordReader(ChannelProtocol.CONTROL);
    http.feed(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(Reason.BAD_PREAMBLE, assertThrows(ChannelException.class, http::next).reason());
  }

  @Test
  void readerReassemblesRecordsSplitAtEveryByteBoundary() throws Exception {
    byte[] stream = concat(ChannelProtocol.CONTROL.preamble().encode(), RecordReader.frame(new byte[] {1, 2, 3}),
        RecordReader.frame(new byte[0]), RecordReader.frame(new byte[70]));
    RecordReader reader = new RecordReader(ChannelProtocol.CONTROL);
    List<Integer> lengths = new ArrayList<>();
    for (byte b : stream) {
      reader.feed(ByteBuffer.wrap(new byte[] {b}));
      byte[] r;
      while ((r = reader.next()) != null) {
        lengths.add(r.length);
      }
      assertTrue(reader.needsInput());
    }
    assertEquals(List.of(3, 0, 70), lengths);
    assertEquals(0, reader.buffered());
    assertTrue(reader.preambleAccepted());
  }

  @Test
  void readerHoldsAtMostOneRecordWhateverThePeerAnnounces() throws Exception {
    RecordReader reader = new RecordReader(ChannelProtocol.CONTROL);
    byte[] header = {(byte) 0xff, (byte) 0xff};
    reader.feed(ByteBuffer.wrap(concat(ChannelProtocol.CONTROL.preamble().encode(), header, new byte[1000])));
    assertNull(reader.next());
    assertEquals(2 + 1000, reader.buffered());
    assertThrows(IllegalArgumentException.class, () -> RecordReader.frame(new byte[65_536]));
  }

  private static byte[] concat(byte[]... parts) {
    int n = Arrays.stream(parts).mapToInt(a -> a.length).sum();
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
