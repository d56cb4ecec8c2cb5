package com.oversoc.mesh.sim.bench;

import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.Poll;
import com.oversoc.mesh.protocol.transport.StreamOpenException;
import com.oversoc.mesh.protocol.transport.TransportConfig;
import com.oversoc.mesh.protocol.transport.TransportSpec;
import com.oversoc.mesh.protocol.transport.frame.AckFrame;
import com.oversoc.mesh.protocol.transport.frame.Frame;
import com.oversoc.mesh.protocol.transport.frame.FrameDecoder;
import com.oversoc.mesh.protocol.transport.frame.FrameException;
import com.oversoc.mesh.protocol.transport.frame.PacketHeader;
import com.oversoc.mesh.protocol.transport.frame.PacketRange;
import com.oversoc.mesh.protocol.transport.frame.StreamFrame;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The mesh transport's per-packet cost, next to two references measured in the same run on the
 * same 1200-byte packets: a plain buffer copy (the floor) and the JDK's ChaCha20-Poly1305 seal
 * (what WireGuard spends on every packet anyway). Scores are operations per second; every
 * operation is one packet.
 *
 * <p>Run: {@code ./bench -f 1 -wi 3 -i 5 TransportBench}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransportBench {
  static final int PACKET = TransportSpec.MAX_PACKET_SIZE;
  static final int BATCH = 256;

  /** A full-size data packet as the transport sends it: header, ACK, one STREAM frame. */
  @State(Scope.Thread)
  public static class Packets {
    final ByteBuffer out = ByteBuffer.allocate(PACKET);
    final byte[] payload = new byte[PACKET];
    final AckFrame ack = new AckFrame(250, List.of(new PacketRange(1_000, 1_010), new PacketRange(900, 990)));
    byte[] dataPacket;
    final ByteBuffer copyTarget = ByteBuffer.allocate(PACKET);
    Cipher cipher;
    SecretKeySpec key;
    final byte[] sealed = new byte[PACKET + 16];
    long counter;

    @Setup
    public void setUp() throws GeneralSecurityException {
      new SplittableRandom(1).nextBytes(payload);
      ByteBuffer buf = ByteBuffer.allocate(PACKET);
      encode(this, buf, 12345);
      dataPacket = java.util.Arrays.copyOf(buf.array(), buf.position());
      cipher = Cipher.getInstance("ChaCha20-Poly1305");
      key = new SecretKeySpec(new byte[32], "ChaCha20");
    }
  }

  static int encode(Packets s, ByteBuffer out, long packetNumber) {
    out.clear();
    PacketHeader.write(out, 0x5eed, packetNumber);
    s.ack.encode(out);
    int length = out.remaining() - StreamFrame.HEADER_SIZE;
    StreamFrame.writeHeader(out, 3, packetNumber * length, length, false);
    out.put(s.payload, 0, length);
    return out.position();
  }

  /** Frames encoded per second: a full data packet (header, ACK, STREAM) into a buffer. */
  @Benchmark
  public int encodeDataPacket(Packets s) {
    return encode(s, s.out, s.counter++);
  }

  /** Frames decoded per second: the same packet, validated and decoded all-or-nothing. */
  @Benchmark
  public List<Frame> decodeDataPacket(Packets s) throws FrameException {
    return FrameDecoder.decodePacket(ByteBuffer.wrap(s.dataPacket));
  }

  /** Reference floor: copying the packet's bytes. */
  @Benchmark
  public ByteBuffer referenceCopyPacket(Packets s) {
    s.copyTarget.clear();
    return s.copyTarget.put(s.dataPacket);
  }

  /** Reference: sealing the packet with the JDK's ChaCha20-Poly1305, as WireGuard does. */
  @Benchmark
  public int referenceChaCha20Poly1305Seal(Packets s) throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    long c = s.counter++;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (c >>> (8 * i));
    }
    s.cipher.init(Cipher.ENCRYPT_MODE, s.key, new IvParameterSpec(nonce));
    return s.cipher.doFinal(s.dataPacket, 0, s.dataPacket.length, s.sealed, 0);
  }

  /**
   * Two connections joined in memory (virtual time, no loss): the platform streams bytes, the
   * gateway reads them and acknowledges. One operation is one packet processed end to end
   * (built, decoded, acted on, its ACK built and processed), both directions counted.
   */
  @State(Scope.Thread)
  public static class ConnectionPair {
    Connection platform;
    Connection gateway;
    long stream;
    long now;
    final ByteBuffer source = ByteBuffer.allocate(1 << 20);
    final ByteBuffer sink = ByteBuffer.allocate(1 << 20);

    @Setup(Level.Trial)
    public void setUp() throws StreamOpenException {
      SplittableRandom random = new SplittableRandom(2);
      TransportConfig config = TransportConfig.defaults();
      platform = Connection.platform(config, random.split(), 0);
      gateway = Connection.gateway(config, platform.connectionId(), random.split(), 0);
      stream = platform.openStream("10.0.1.50", 443, 0);
      platform.write(stream, source, now);
      for (byte[] d : platform.poll(now).datagrams()) {
        gateway.onDatagram(d, now);
      }
      gateway.answerOpen(stream, StreamOpenResult.OK, now);
    }
  }

  /** Moves packets both ways for at least {@code packets} deliveries; returns the count. */
  static int exchange(ConnectionPair s, int packets) {
    int processed = 0;
    while (processed < packets) {
      s.source.clear();
      s.platform.write(s.stream, s.source, s.now);
      Poll p = s.platform.poll(s.now);
      for (byte[] d : p.datagrams()) {
        s.gateway.onDatagram(d, s.now);
      }
      processed += p.datagrams().size();
      while (s.gateway.read(s.stream, s.sink.clear(), s.now) > 0) {
        // drain, returning credit
      }
      Poll g = s.gateway.poll(s.now);
      for (byte[] d : g.datagrams()) {
        s.platform.onDatagram(d, s.now);
      }
      processed += g.datagrams().size();
      s.platform.takeEvents();
      s.gateway.takeEvents();
      long next = Math.min(p.nextDeadline(), g.nextDeadline());
      // Virtual time: jump to the next deadline, at least 1 microsecond per round.
      s.now = Math.max(s.now + 1_000, Math.min(next, s.now + 1_000_000));
    }
    return processed;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int connectionPacketsProcessed(ConnectionPair s) {
    return exchange(s, BATCH);
  }
}
