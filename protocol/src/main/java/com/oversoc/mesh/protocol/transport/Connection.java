package com.oversoc.mesh.protocol.transport;

import com.oversoc.mesh.protocol.net.AddressFormatException;
import com.oversoc.mesh.protocol.net.IpLiteral;
import com.oversoc.mesh.protocol.transport.ack.ReceivedPackets;
import com.oversoc.mesh.protocol.transport.congestion.CongestionController;
import com.oversoc.mesh.protocol.transport.congestion.Pacer;
import com.oversoc.mesh.protocol.transport.flow.ReceiveWindow;
import com.oversoc.mesh.protocol.transport.frame.AckFrame;
import com.oversoc.mesh.protocol.transport.frame.CloseFrame;
import com.oversoc.mesh.protocol.transport.frame.Frame;
import com.oversoc.mesh.protocol.transport.frame.FrameDecoder;
import com.oversoc.mesh.protocol.transport.frame.FrameError;
import com.oversoc.mesh.protocol.transport.frame.FrameException;
import com.oversoc.mesh.protocol.transport.frame.MaxDataFrame;
import com.oversoc.mesh.protocol.transport.frame.MaxStreamDataFrame;
import com.oversoc.mesh.protocol.transport.frame.MaxStreamsFrame;
import com.oversoc.mesh.protocol.transport.frame.PacketHeader;
import com.oversoc.mesh.protocol.transport.frame.PaddingFrame;
import com.oversoc.mesh.protocol.transport.frame.PingFrame;
import com.oversoc.mesh.protocol.transport.frame.ResetStreamFrame;
import com.oversoc.mesh.protocol.transport.frame.StopSendingFrame;
import com.oversoc.mesh.protocol.transport.frame.StreamFrame;
import com.oversoc.mesh.protocol.transport.frame.StreamOpenFrame;
import com.oversoc.mesh.protocol.transport.frame.StreamOpenResultFrame;
import com.oversoc.mesh.protocol.transport.recovery.RateSample;
import com.oversoc.mesh.protocol.transport.recovery.Recovery;
import com.oversoc.mesh.protocol.transport.recovery.SentFrame;
import com.oversoc.mesh.protocol.transport.recovery.SentPacket;
import com.oversoc.mesh.protocol.transport.stream.ReceiveStream;
import com.oversoc.mesh.protocol.transport.stream.SendStream;
import com.oversoc.mesh.protocol.transport.stream.Stream;
import com.oversoc.mesh.protocol.transport.stream.StreamErrorCode;
import com.oversoc.mesh.protocol.transport.stream.StreamOpenResult;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One transport connection between a platform and a gateway: the whole state machine, pure and
 * single-threaded. The caller feeds it datagrams and time and acts on what {@link #poll} and
 * {@link #takeEvents} return; it never blocks, reads a clock or touches a socket, so the path
 * underneath (direct UDP, a relay) can change at any moment without the connection noticing.
 *
 * <pre>
 *  receive: onDatagram ─► header + decode all frames (or drop, typed) ─► duplicate check
 *           ─► ACK → recovery → congestion/pacer │ STREAM → credit check → reassembly → Readable
 *           │ MAX_* → credit │ OPEN/RESULT/RESET/STOP → stream lifecycle │ CLOSE → closed
 *  send:    poll ─► timers (idle, loss/PTO, streams) ─► while window and pacer allow:
 *           header, ACK, control frames, window updates, stream data round-robin ─► datagrams
 * </pre>
 *
 * <p>Methods take {@code now} in monotonic nanoseconds; it must never go backwards.
 */
public final class Connection {
  private final Role role;
  private final TransportConfig config;
  private final int connectionId;
  private final Recovery recovery;
  private final CongestionController congestion;
  private final Pacer pacer = new Pacer();
  private final ReceivedPackets received = new ReceivedPackets(TransportSpec.MAX_ACK_DELAY_NANOS);
  private final ReceiveWindow connectionWindow;
  private final Map<Long, Stream> streams = new HashMap<>();
  private final ArrayDeque<Stream> sendQueue = new ArrayDeque<>();
  private final ArrayDeque<Stream> blockedOnConnectionCredit = new ArrayDeque<>();
  private final ArrayDeque<Stream> windowUpdates = new ArrayDeque<>();
  private final ArrayDeque<Frame> controlFrames = new ArrayDeque<>();
  private final List<TransportEvent> events = new ArrayList<>();

  private long peerMaxData = TransportSpec.INITIAL_MAX_DATA;
  private long newBytesSent;
  private boolean maxDataPending;
  private boolean pingPending;
  private boolean cwndLimited;

  // Stream ids: the platform allocates, the gateway tracks.
  private long nextStreamId;
  private long peerMaxStreams = TransportSpec.INITIAL_MAX_STREAMS;
  private long maxStreamsAdvertised;
  private boolean maxStreamsPending;
  private long closedIncomingStreams;

  private long lastReceiveTime;
  private long lastSendTime;
  private long nextStreamCheck;
  private boolean closed;
  private CloseFrame closeToSend;

  private long packetsSent;
  private long packetsReceived;
  private long duplicates;
  private long malformed;
  private long retransmittedBytes;

  private Connection(Role role, TransportConfig config, int connectionId, RandomGenerator random, long now) {
    this.role = role;
    this.config = config;
    this.connectionId = connectionId;
    this.recovery = new Recovery(new RecoveryHooks(), TransportSpec.MAX_ACK_DELAY_NANOS);
    this.congestion = config.congestionControl().create(now, random);
    this.connectionWindow = new ReceiveWindow(TransportSpec.INITIAL_MAX_DATA, config.maxConnectionWindow());
    this.maxStreamsAdvertised = TransportSpec.INITIAL_MAX_STREAMS;
    this.lastReceiveTime = now;
    this.lastSendTime = now;
    this.nextStreamCheck = now + TransportDefaults.STREAM_TIMER_PERIOD_NANOS;
    pacer.setRate(congestion.pacingRate(), now);
    if (role == Role.GATEWAY && config.maxIncomingStreams() > TransportSpec.INITIAL_MAX_STREAMS) {
      maxStreamsAdvertised = config.maxIncomingStreams();
      maxStreamsPending = true;
    }
  }

  /** The platform's end: opens streams; picks a fresh random connection id. */
  public static Connection platform(TransportConfig config, RandomGenerator random, long now) {
    return new Connection(Role.PLATFORM, config, random.nextInt(), random, now);
  }

  /** The gateway's end of the connection whose id arrived in the platform's first packet. */
  public static Connection gateway(TransportConfig config, int connectionId, RandomGenerator random, long now) {
    return new Connection(Role.GATEWAY, config, connectionId, random, now);
  }

  /**
   * The connection id of a datagram, so that a gateway can tell a new platform connection
   * (replace the old one) from a stray packet.
   */
  public static int peekConnectionId(ByteBuffer datagram) throws FrameException {
    PacketHeader.validate(datagram);
    return PacketHeader.connectionId(datagram);
  }

  /**
   * Whether a packet for a connection id the gateway does not know may start a new connection:
   * its number is one a connection begins with ({@link TransportSpec#NEW_CONNECTION_PACKETS}).
   * Otherwise it belongs to a connection the gateway lost, and gets a {@link #statelessClose}.
   */
  public static boolean mayStartConnection(ByteBuffer datagram) throws FrameException {
    PacketHeader.validate(datagram);
    long pn = PacketHeader.packetNumber(datagram);
    return pn >= 0 && pn < TransportSpec.NEW_CONNECTION_PACKETS;
  }

  /**
   * The gateway's answer to a packet of a connection it does not know: one CLOSE with
   * UNKNOWN_CONNECTION, numbered {@link TransportSpec#STATELESS_CLOSE_PACKET_NUMBER} so that the
   * platform, whose connection has seen the gateway's earlier numbers, takes it. It needs no
   * secret token (QUIC's stateless reset does): it travels inside the peer's authenticated
   * WireGuard session, so only that gateway can have sent it.
   */
  public static byte[] statelessClose(int connectionId, String reason) {
    CloseFrame close = new CloseFrame(ConnectionError.UNKNOWN_CONNECTION.wire(), reason);
    ByteBuffer buf = ByteBuffer.allocate(PacketHeader.SIZE + close.encodedSize());
    PacketHeader.write(buf, connectionId, TransportSpec.STATELESS_CLOSE_PACKET_NUMBER);
    close.encode(buf);
    return buf.array();
  }

  public Role role() {
    return role;
  }

  public int connectionId() {
    return connectionId;
  }

  public boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- receive path

  /** Processes one datagram from the peer; never throws for bad input. */
  public void onDatagram(ByteBuffer datagram, long now) {
    if (closed) {
      return;
    }
    List<Frame> frames;
    long packetNumber;
    try {
      PacketHeader.validate(datagram);
      int id = PacketHeader.connectionId(datagram);
      if (id != connectionId) {
        throw new FrameException(FrameError.UNKNOWN_CONNECTION,
            String.format("connection id %08x, this connection is %08x", id, connectionId));
      }
      packetNumber = PacketHeader.packetNumber(datagram);
      frames = FrameDecoder.decodePacket(datagram);
    } catch (FrameException e) {
      malformed++;
      events.add(new TransportEvent.PacketDropped(e.error(), e.getMessage()));
      return;
    }
    boolean ackEliciting = false;
    for (Frame f : frames) {
      ackEliciting |= f.ackEliciting();
    }
    if (packetNumber < 0 || !received.onPacket(packetNumber, ackEliciting, now)) {
      duplicates++;
      return;
    }
    packetsReceived++;
    lastReceiveTime = now;
    for (Frame f : frames) {
      if (closed) {
        return;
      }
      onFrame(f, now);
    }
  }

  /** Convenience for callers holding a byte array. */
  public void onDatagram(byte[] datagram, long now) {
    onDatagram(ByteBuffer.wrap(datagram), now);
  }

  private void onFrame(Frame frame, long now) {
    switch (frame) {
      case AckFrame ack -> {
        try {
          recovery.onAckReceived(ack, now);
        } catch (Recovery.InvalidAckException e) {
          close(ConnectionError.INVALID_ACK, e.getMessage(), now);
        }
      }
      case StreamFrame f -> onStreamFrame(f, now);
      case ResetStreamFrame f -> onResetStream(f, now);
      case StopSendingFrame f -> onStopSending(f, now);
      case MaxDataFrame f -> onMaxData(f.maximum());
      case MaxStreamDataFrame f -> onMaxStreamData(f, now);
      case MaxStreamsFrame f -> {
        if (role == Role.PLATFORM) {
          peerMaxStreams = Math.max(peerMaxStreams, f.maximum());
        } else {
          close(ConnectionError.PROTOCOL_VIOLATION, "the gateway grants streams, it is not granted any", now);
        }
      }
      case StreamOpenFrame f -> onStreamOpen(f, now);
      case StreamOpenResultFrame f -> onStreamOpenResult(f, now);
      case CloseFrame f -> {
        closed = true;
        streams.clear();
        events.add(new TransportEvent.ConnectionClosed(ConnectionError.fromWire(f.errorCode()), f.reason(), true));
      }
      case PingFrame p -> { }
      case PaddingFrame p -> { }
    }
  }

  /**
   * The stream a peer's frame refers to: null if it is closed (ignore the frame) or if the frame
   * broke a rule (then the connection is already closing). The gateway implicitly opens every
   * id up to a new one, as RFC 9000 does, since STREAM_OPEN may arrive after the stream's data.
   */
  private Stream peerStream(long id, long now) {
    if (role == Role.PLATFORM) {
      if (id >= nextStreamId) {
        close(ConnectionError.STREAM_STATE_ERROR, "frame for stream " + id + ", which was never opened", now);
        return null;
      }
      return streams.get(id);
    }
    if (id >= maxStreamsAdvertised) {
      close(ConnectionError.STREAM_LIMIT_ERROR,
          "stream " + id + " exceeds the granted " + maxStreamsAdvertised + " streams", now);
      return null;
    }
    while (nextStreamId <= id) {
      Stream s = newStream(nextStreamId++, Stream.Opening.AWAITING_OPEN, now);
      streams.put(s.id, s);
    }
    return streams.get(id);
  }

  private Stream newStream(long id, Stream.Opening opening, long now) {
    return new Stream(id, opening, config.maxStreamWindow(), config.maxStreamSendBuffer(),
        TransportSpec.INITIAL_MAX_STREAM_DATA, now);
  }

  private void onStreamFrame(StreamFrame f, long now) {
    Stream s = peerStream(f.streamId(), now);
    if (s == null || s.receiveDone) {
      return;
    }
    long end = f.offset() + f.data().remaining();
    if (!s.window.allows(end)) {
      close(ConnectionError.FLOW_CONTROL_ERROR,
          "stream " + s.id + " sent to " + end + ", credit " + s.window.advertised(), now);
      return;
    }
    long grew = s.window.onReceived(end);
    if (!connectionWindow.allows(connectionWindow.highestReceived() + grew)) {
      close(ConnectionError.FLOW_CONTROL_ERROR, "connection credit exceeded", now);
      return;
    }
    connectionWindow.onReceived(connectionWindow.highestReceived() + grew);
    if (s.receive.onData(f.offset(), f.data(), f.fin()) != ReceiveStream.DataResult.OK) {
      close(ConnectionError.FINAL_SIZE_ERROR, "stream " + s.id + " data beyond its final size", now);
      return;
    }
    s.lastActivity = now;
    if (s.receive.discarding()) {
      creditConnection(s, s.receive.highest());
      if (s.receive.finalSizeKnown()) {
        receiveDone(s, now);
      }
      return;
    }
    notifyReadable(s);
  }

  private void notifyReadable(Stream s) {
    boolean visible = role == Role.PLATFORM || s.opening == Stream.Opening.OPEN;
    if (visible && !s.readablePending && (s.receive.readable() > 0 || s.receive.finished())) {
      s.readablePending = true;
      events.add(new TransportEvent.StreamReadable(s.id));
    }
  }

  private void onResetStream(ResetStreamFrame f, long now) {
    Stream s = peerStream(f.streamId(), now);
    if (s == null || s.receiveDone) {
      return;
    }
    long grew = s.window.onReceived(f.finalSize());
    if (!s.window.allows(f.finalSize()) || !connectionWindow.allows(connectionWindow.highestReceived() + grew)) {
      close(ConnectionError.FLOW_CONTROL_ERROR, "RESET_STREAM final size beyond credit", now);
      return;
    }
    connectionWindow.onReceived(connectionWindow.highestReceived() + grew);
    if (!s.receive.onReset(f.finalSize())) {
      close(ConnectionError.FINAL_SIZE_ERROR, "stream " + s.id + " reset with a different final size", now);
      return;
    }
    creditConnection(s, f.finalSize());
    boolean announce = !s.stopSendingSent && s.opening != Stream.Opening.FAILED
        && (role == Role.PLATFORM || s.opening == Stream.Opening.OPEN);
    if (announce) {
      events.add(new TransportEvent.StreamReset(s.id, StreamErrorCode.fromWire(f.errorCode())));
    }
    receiveDone(s, now);
  }

  private void onStopSending(StopSendingFrame f, long now) {
    Stream s = peerStream(f.streamId(), now);
    if (s == null || s.sendDone || s.resetSent) {
      return;
    }
    StreamErrorCode code = StreamErrorCode.fromWire(f.errorCode());
    resetSend(s, code == StreamErrorCode.UNRECOGNIZED ? StreamErrorCode.CANCELLED : code);
    events.add(new TransportEvent.StreamStopped(s.id, code));
  }

  private void onMaxData(long maximum) {
    if (maximum > peerMaxData) {
      peerMaxData = maximum;
      while (!blockedOnConnectionCredit.isEmpty()) {
        enqueueSend(blockedOnConnectionCredit.poll());
      }
    }
  }

  private void onMaxStreamData(MaxStreamDataFrame f, long now) {
    Stream s = peerStream(f.streamId(), now);
    if (s == null) {
      return;
    }
    if (s.send.onMaxStreamData(f.maximum())) {
      enqueueSend(s);
      notifyWritable(s);
    }
  }

  private void onStreamOpen(StreamOpenFrame f, long now) {
    if (role == Role.PLATFORM) {
      // Streams are opened by the platform only: refuse, typed, without creating state.
      controlFrames.add(new StreamOpenResultFrame(f.streamId(), StreamOpenResult.WRONG_DIRECTION.wire()));
      return;
    }
    Stream s = peerStream(f.streamId(), now);
    if (s == null || s.opening != Stream.Opening.AWAITING_OPEN) {
      return;
    }
    s.openedAt = now;
    s.lastActivity = now;
    if (f.target().isEmpty()) {
      rejectOpen(s, StreamOpenResult.NOT_AN_IP_LITERAL, now);
    } else if (f.port() == 0) {
      rejectOpen(s, StreamOpenResult.INVALID_PORT, now);
    } else {
      s.target = f.target().get();
      s.port = f.port();
      s.opening = Stream.Opening.PENDING_ANSWER;
      events.add(new TransportEvent.StreamOpened(s.id, s.target, s.port));
    }
  }

  private void onStreamOpenResult(StreamOpenResultFrame f, long now) {
    if (role == Role.GATEWAY) {
      // The gateway never opens, so an answer refers to nothing (it is the platform refusing a
      // STREAM_OPEN this side should not have sent); there is nothing to undo.
      return;
    }
    Stream s = peerStream(f.streamId(), now);
    if (s == null || s.opening != Stream.Opening.PENDING_ANSWER) {
      return;
    }
    StreamOpenResult result = StreamOpenResult.fromWire(f.resultCode());
    events.add(new TransportEvent.StreamOpenAnswered(s.id, result));
    if (result == StreamOpenResult.OK) {
      s.opening = Stream.Opening.OPEN;
    } else {
      failOpen(s, now);
    }
  }

  // ---------------------------------------------------------------- application API

  /**
   * Platform: opens a stream to {@code target}:{@code port} and returns its id. Bytes may be
   * written at once; the gateway's answer arrives as {@link TransportEvent.StreamOpenAnswered}.
   */
  public long openStream(IpLiteral target, int port, long now) throws StreamOpenException {
    if (role != Role.PLATFORM) {
      throw new StreamOpenException(StreamOpenResult.WRONG_DIRECTION, "only the platform side opens streams");
    }
    if (closed) {
      throw new StreamOpenException(StreamOpenResult.SHUTTING_DOWN, "the connection is closed");
    }
    if (port < 1 || port > 65535) {
      throw new StreamOpenException(StreamOpenResult.INVALID_PORT, "port " + port + "; accepted: 1..65535");
    }
    if (nextStreamId >= peerMaxStreams || nextStreamId > TransportSpec.MAX_STREAM_ID) {
      throw new StreamOpenException(StreamOpenResult.TOO_MANY_STREAMS,
          "the gateway allows " + peerMaxStreams + " streams so far; wait for one to close");
    }
    Stream s = newStream(nextStreamId++, Stream.Opening.PENDING_ANSWER, now);
    s.target = target;
    s.port = port;
    streams.put(s.id, s);
    controlFrames.add(StreamOpenFrame.of(s.id, target, port));
    return s.id;
  }

  /** Platform: as {@link #openStream(IpLiteral, int, long)} with the target as text; a host name is refused. */
  public long openStream(String target, int port, long now) throws StreamOpenException {
    IpLiteral ip;
    try {
      ip = IpLiteral.parse(target);
    } catch (AddressFormatException e) {
      throw new StreamOpenException(StreamOpenResult.NOT_AN_IP_LITERAL, e.getMessage());
    }
    return openStream(ip, port, now);
  }

  /** Gateway: answers a {@link TransportEvent.StreamOpened}: OK starts the stream, anything else refuses it. */
  public void answerOpen(long streamId, StreamOpenResult result, long now) {
    Stream s = stream(streamId);
    if (role != Role.GATEWAY || s.opening != Stream.Opening.PENDING_ANSWER) {
      throw new StreamStateException("stream " + streamId + " is not waiting for an answer");
    }
    if (result == StreamOpenResult.UNRECOGNIZED) {
      throw new IllegalArgumentException("UNRECOGNIZED is never sent");
    }
    if (result != StreamOpenResult.OK) {
      rejectOpen(s, result, now);
      return;
    }
    s.opening = Stream.Opening.OPEN;
    s.lastActivity = now;
    controlFrames.add(new StreamOpenResultFrame(s.id, StreamOpenResult.OK.wire()));
    notifyReadable(s);
  }

  /**
   * Copies as much of {@code src} into the stream as its buffer and the peer's credit allow;
   * returns the count. A short count means: wait for {@link TransportEvent.StreamWritable}.
   */
  public int write(long streamId, ByteBuffer src, long now) {
    Stream s = stream(streamId);
    requireSendable(s);
    int n = s.send.write(src);
    if (src.hasRemaining()) {
      s.writeBlocked = true;
    }
    if (n > 0) {
      s.lastActivity = now;
      enqueueSend(s);
    }
    return n;
  }

  /** Ends this side's direction of the stream after the bytes already written (FIN). */
  public void finish(long streamId, long now) {
    Stream s = stream(streamId);
    requireSendable(s);
    s.send.finish();
    s.lastActivity = now;
    enqueueSend(s);
  }

  /** Bytes the stream accepts now. */
  public long writable(long streamId) {
    Stream s = stream(streamId);
    return s.resetSent || s.sendDone ? 0 : s.send.writable();
  }

  /**
   * Reads contiguous bytes into {@code dst}: returns the count, 0 if none is ready yet, -1 once
   * the peer finished and everything was read. After a {@link TransportEvent.StreamReadable},
   * read until 0 or -1: the event comes again only after a read returned 0.
   */
  public int read(long streamId, ByteBuffer dst, long now) {
    Stream s = stream(streamId);
    if (role == Role.GATEWAY && s.opening != Stream.Opening.OPEN) {
      throw new StreamStateException("stream " + streamId + " is not accepted");
    }
    if (s.receive.discarding()) {
      throw new StreamStateException("stream " + streamId + " was reset or stopped; nothing more to read");
    }
    if (s.receiveDone && s.receive.finished()) {
      return -1;
    }
    int n = s.receive.read(dst);
    if (n > 0) {
      s.lastActivity = now;
      s.window.onConsumed(n);
      creditConnection(s, s.receive.readOffset());
      if (s.window.updateWanted() && !s.receive.finalSizeKnown() && !s.windowUpdateQueued) {
        s.windowUpdateQueued = true;
        windowUpdates.add(s);
      }
    }
    if (n == 0 && s.receive.finished()) {
      // The end is reported once, by the read that finds nothing left; then the direction is done.
      receiveDone(s, now);
      return -1;
    }
    if (s.receive.readable() == 0 && !s.receive.finished()) {
      s.readablePending = false;
    }
    return n;
  }

  /** Bytes ready to read on the stream now. */
  public long readable(long streamId) {
    Stream s = stream(streamId);
    return s.receive.readable();
  }

  /** Abandons this side's direction: the peer gets RESET_STREAM with {@code code}. */
  public void reset(long streamId, StreamErrorCode code, long now) {
    Stream s = stream(streamId);
    if (!s.sendDone && !s.resetSent) {
      resetSend(s, code);
    }
  }

  /** Stops reading: the peer gets STOP_SENDING with {@code code} and answers with a reset. */
  public void stopSending(long streamId, StreamErrorCode code, long now) {
    Stream s = stream(streamId);
    stopReceiving(s, code, now);
  }

  /**
   * The datagram channel under the connection was remade (a new WireGuard session, after the
   * peer restarted and lost the old one): unacknowledged data is probed for at once instead of
   * after a backed-off probe timeout. Harmless when nothing was lost.
   */
  public void onChannelRenewed(long now) {
    if (!closed) {
      recovery.resetProbeBackoff();
    }
  }

  /** Closes the connection and every stream; the peer gets CLOSE with {@code error} and {@code reason}. */
  public void close(ConnectionError error, String reason, long now) {
    if (closed) {
      return;
    }
    closeToSend = new CloseFrame(error.wire(), reason);
    closed = true;
    streams.clear();
    events.add(new TransportEvent.ConnectionClosed(error, reason, false));
  }

  /** Events since the last call, oldest first. */
  public List<TransportEvent> takeEvents() {
    if (events.isEmpty()) {
      return List.of();
    }
    List<TransportEvent> out = List.copyOf(events);
    events.clear();
    return out;
  }

  /** Streams currently held (open or finishing). */
  public int streamCount() {
    return streams.size();
  }

  /** Bytes held in send buffers: written by the application and not yet acknowledged. */
  public long sendBufferedBytes() {
    long n = 0;
    for (Stream s : streams.values()) {
      n += s.send.buffered();
    }
    return n;
  }

  /** Bytes held in receive buffers: arrived and not yet read by the application. */
  public long receiveBufferedBytes() {
    long n = 0;
    for (Stream s : streams.values()) {
      n += s.receive.buffered();
    }
    return n;
  }

  public ConnectionStats stats() {
    var rtt = recovery.rtt();
    return new ConnectionStats(packetsSent, packetsReceived, recovery.lostPackets(), duplicates, malformed,
        newBytesSent, retransmittedBytes, rtt.smoothed(), rtt.hasSample() ? rtt.min() : -1,
        congestion.congestionWindow(), recovery.bytesInFlight(), congestion.pacingRate(), congestion.state());
  }

  private Stream stream(long id) {
    Stream s = streams.get(id);
    if (s == null) {
      throw new StreamStateException("no stream " + id + (closed ? ": the connection is closed" : " (never opened, or closed)"));
    }
    return s;
  }

  private void requireSendable(Stream s) {
    if (role == Role.GATEWAY && s.opening != Stream.Opening.OPEN) {
      throw new StreamStateException("stream " + s.id + " is not accepted");
    }
    if (s.opening == Stream.Opening.FAILED || s.resetSent || s.sendDone) {
      throw new StreamStateException("stream " + s.id + " no longer sends (reset, failed or finished)");
    }
    if (s.send.finWritten()) {
      throw new StreamStateException("stream " + s.id + " was finished; nothing may follow the FIN");
    }
  }

  // ---------------------------------------------------------------- stream lifecycle

  private void rejectOpen(Stream s, StreamOpenResult result, long now) {
    s.opening = Stream.Opening.FAILED;
    controlFrames.add(new StreamOpenResultFrame(s.id, result.wire()));
    s.sendDone = true;
    s.receive.discard();
    creditConnection(s, s.receive.highest());
    // The platform answers with RESET_STREAM (its final size); until then the stream is kept.
    if (s.receive.finalSizeKnown()) {
      receiveDone(s, now);
    }
  }

  private void failOpen(Stream s, long now) {
    s.opening = Stream.Opening.FAILED;
    resetSend(s, StreamErrorCode.OPEN_FAILED);
    s.receive.discard();
    receiveDone(s, now);
  }

  private void resetSend(Stream s, StreamErrorCode code) {
    s.resetSent = true;
    s.writeBlocked = false;
    controlFrames.add(new ResetStreamFrame(s.id, code.wire(), s.send.sentHigh()));
  }

  private void stopReceiving(Stream s, StreamErrorCode code, long now) {
    if (s.receiveDone || s.stopSendingSent) {
      return;
    }
    s.stopSendingSent = true;
    controlFrames.add(new StopSendingFrame(s.id, code.wire()));
    s.receive.discard();
    creditConnection(s, s.receive.highest());
    if (s.receive.finalSizeKnown()) {
      receiveDone(s, now);
    }
  }

  private void receiveDone(Stream s, long now) {
    s.receiveDone = true;
    maybeForget(s);
  }

  private void maybeForget(Stream s) {
    if (!s.finished() || streams.get(s.id) != s) {
      return;
    }
    streams.remove(s.id);
    events.add(new TransportEvent.StreamClosed(s.id));
    if (role == Role.GATEWAY) {
      closedIncomingStreams++;
      long grant = closedIncomingStreams + config.maxIncomingStreams();
      if (grant > maxStreamsAdvertised) {
        maxStreamsAdvertised = Math.min(grant, TransportSpec.MAX_STREAM_ID + 1);
        maxStreamsPending = true;
      }
    }
  }

  private void creditConnection(Stream s, long upTo) {
    if (upTo > s.credited) {
      connectionWindow.onConsumed(upTo - s.credited);
      s.credited = upTo;
      if (connectionWindow.updateWanted()) {
        maxDataPending = true;
      }
    }
  }

  private void enqueueSend(Stream s) {
    if (!s.inSendQueue && !s.resetSent && s.send.hasPending()) {
      s.inSendQueue = true;
      sendQueue.add(s);
    }
  }

  private void notifyWritable(Stream s) {
    if (s.writeBlocked && !s.resetSent && s.send.writable() > 0) {
      s.writeBlocked = false;
      events.add(new TransportEvent.StreamWritable(s.id));
    }
  }

  // ---------------------------------------------------------------- recovery hooks

  private final class RecoveryHooks implements Recovery.Listener {
    @Override
    public void onPacketAcked(SentPacket packet) {
      for (SentFrame f : packet.frames) {
        switch (f) {
          case SentFrame.StreamData d -> {
            Stream s = streams.get(d.streamId());
            if (s != null && !s.resetSent) {
              s.send.onAcked(d.offset(), d.length(), d.fin());
              notifyWritable(s);
              if (s.send.allAcked()) {
                s.sendDone = true;
                maybeForget(s);
              }
            }
          }
          case SentFrame.Ack a -> received.onAckAcknowledged(a.largest());
          case SentFrame.Control c -> {
            if (c.frame() instanceof ResetStreamFrame r) {
              Stream s = streams.get(r.streamId());
              if (s != null) {
                s.sendDone = true;
                maybeForget(s);
              }
            }
          }
        }
      }
    }

    @Override
    public void onPacketLost(SentPacket packet, long connectionLostBytes, long now) {
      congestion.onPacketLost(packet, connectionLostBytes, now);
      for (SentFrame f : packet.frames) {
        switch (f) {
          case SentFrame.StreamData d -> {
            Stream s = streams.get(d.streamId());
            if (s != null && !s.resetSent) {
              s.send.onLost(d.offset(), d.length(), d.fin());
              enqueueSend(s);
            }
          }
          case SentFrame.Ack a -> { }
          case SentFrame.Control c -> resendControl(c.frame());
        }
      }
    }

    @Override
    public void onAckProcessed(RateSample sample, long largestAckedTimeSent, long now) {
      congestion.onAck(sample, largestAckedTimeSent, recovery.bytesInFlight(), cwndLimited, recovery.rtt(), now);
      cwndLimited = false;
      pacer.setRate(congestion.pacingRate(), now);
    }

    @Override
    public void onPersistentCongestion(long now) {
      congestion.onPersistentCongestion(now);
    }
  }

  /** A control frame was lost: send it (or its current value) again if it still matters. */
  private void resendControl(Frame frame) {
    switch (frame) {
      case MaxDataFrame f -> maxDataPending = true;
      case MaxStreamsFrame f -> maxStreamsPending = true;
      case MaxStreamDataFrame f -> {
        Stream s = streams.get(f.streamId());
        if (s != null && !s.receive.finalSizeKnown() && !s.windowUpdateQueued) {
          s.windowUpdateQueued = true;
          windowUpdates.add(s);
        }
      }
      case PingFrame f -> { }
      default -> {
        long id = switch (frame) {
          case ResetStreamFrame f -> f.streamId();
          case StopSendingFrame f -> f.streamId();
          case StreamOpenFrame f -> f.streamId();
          case StreamOpenResultFrame f -> f.streamId();
          default -> -1;
        };
        boolean refusal = frame instanceof StreamOpenResultFrame r && role == Role.PLATFORM;
        if (streams.containsKey(id) || refusal) {
          controlFrames.add(frame);
        }
      }
    }
  }

  // ---------------------------------------------------------------- send path

  /**
   * Runs due timers and returns the datagrams to send now (within the congestion window and the
   * pacer) and when to call again.
   */
  public Poll poll(long now) {
    List<byte[]> out = new ArrayList<>(4);
    if (closed) {
      if (closeToSend != null) {
        out.add(closePacket());
        closeToSend = null;
      }
      return new Poll(out, Long.MAX_VALUE);
    }
    runTimers(now);
    if (closed) {
      return poll(now);
    }
    while (out.size() < TransportDefaults.MAX_PACKETS_PER_POLL) {
      byte[] packet = buildPacket(now);
      if (packet == null) {
        break;
      }
      out.add(packet);
    }
    long next = out.size() == TransportDefaults.MAX_PACKETS_PER_POLL ? now : nextDeadline(now);
    return new Poll(out, next);
  }

  private void runTimers(long now) {
    if (now - lastReceiveTime >= config.idleTimeout().toNanos()) {
      closed = true;
      streams.clear();
      events.add(new TransportEvent.ConnectionClosed(ConnectionError.IDLE_TIMEOUT,
          "nothing from the peer for " + config.idleTimeout(), false));
      return;
    }
    if (now >= recovery.deadline()) {
      recovery.onTimeout(now);
    }
    if (!streams.isEmpty() && now - lastSendTime >= config.keepaliveInterval().toNanos()) {
      pingPending = true;
    }
    if (now >= nextStreamCheck) {
      nextStreamCheck = now + TransportDefaults.STREAM_TIMER_PERIOD_NANOS;
      checkStreamTimers(now);
    }
  }

  private void checkStreamTimers(long now) {
    long openTimeout = config.openTimeout().toNanos();
    long idleTimeout = config.streamIdleTimeout().toNanos();
    for (Stream s : new ArrayList<>(streams.values())) {
      if (role == Role.PLATFORM && s.opening == Stream.Opening.PENDING_ANSWER && now - s.openedAt >= openTimeout) {
        events.add(new TransportEvent.StreamOpenAnswered(s.id, StreamOpenResult.TIMEOUT));
        s.opening = Stream.Opening.FAILED;
        if (!s.resetSent && !s.sendDone) {
          resetSend(s, StreamErrorCode.OPEN_FAILED);
        }
        stopReceiving(s, StreamErrorCode.OPEN_FAILED, now);
      } else if (now - s.lastActivity >= idleTimeout && s.opening != Stream.Opening.FAILED) {
        boolean visible = role == Role.PLATFORM || s.opening == Stream.Opening.OPEN;
        if (!s.resetSent && !s.sendDone) {
          resetSend(s, StreamErrorCode.IDLE_TIMEOUT);
        }
        if (visible && !s.receiveDone && !s.stopSendingSent) {
          events.add(new TransportEvent.StreamReset(s.id, StreamErrorCode.IDLE_TIMEOUT));
        }
        stopReceiving(s, StreamErrorCode.IDLE_TIMEOUT, now);
        s.lastActivity = now;
      }
    }
  }

  private long nextDeadline(long now) {
    long next = Math.min(recovery.deadline(), received.ackDeadline());
    next = Math.min(next, lastReceiveTime + config.idleTimeout().toNanos());
    if (!streams.isEmpty()) {
      next = Math.min(next, lastSendTime + config.keepaliveInterval().toNanos());
      next = Math.min(next, nextStreamCheck);
    }
    if (hasElicitingWork() && windowAllows()) {
      next = Math.min(next, pacer.nextSendTime(TransportSpec.MAX_PACKET_SIZE, now));
    }
    return Math.max(next, now);
  }

  private boolean windowAllows() {
    return recovery.probesWanted() > 0
        || recovery.bytesInFlight() + TransportSpec.MAX_PACKET_SIZE <= congestion.congestionWindow();
  }

  private boolean hasElicitingWork() {
    return !controlFrames.isEmpty() || maxDataPending || maxStreamsPending || !windowUpdates.isEmpty()
        || !sendQueue.isEmpty() || pingPending || recovery.probesWanted() > 0;
  }

  private byte[] buildPacket(long now) {
    boolean probe = recovery.probesWanted() > 0;
    boolean work = hasElicitingWork();
    boolean mayElicit = false;
    if (work) {
      if (!windowAllows()) {
        cwndLimited = true;
      } else {
        mayElicit = probe || pacer.nextSendTime(TransportSpec.MAX_PACKET_SIZE, now) <= now;
      }
    } else if (recovery.bytesInFlight() + TransportSpec.MAX_PACKET_SIZE <= congestion.congestionWindow()) {
      recovery.onAppLimited();
    }
    boolean ackDue = received.ackDue(now);
    if (!mayElicit && !ackDue) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(TransportSpec.MAX_PACKET_SIZE);
    long packetNumber = recovery.takePacketNumber();
    PacketHeader.write(buf, connectionId, packetNumber);
    List<SentFrame> sent = new ArrayList<>(2);
    if (received.ackPending()) {
      AckFrame ack = received.buildAck(now);
      ack.encode(buf);
      sent.add(new SentFrame.Ack(ack.largest()));
      received.onAckSent();
    }
    boolean ackEliciting = false;
    if (mayElicit) {
      ackEliciting = writeControlFrames(buf, sent, now);
      ackEliciting |= writeStreamData(buf, sent, now);
      if (!ackEliciting && (probe || pingPending) && buf.remaining() >= PingFrame.SIZE) {
        PingFrame.INSTANCE.encode(buf);
        ackEliciting = true;
      }
      pingPending = false;
      if (probe) {
        recovery.onProbeSent();
      }
    }
    if (sent.isEmpty() && !ackEliciting) {
      return null; // the number is skipped, which is allowed: numbers only need to grow
    }
    byte[] packet = Arrays.copyOf(buf.array(), buf.position());
    SentPacket record = new SentPacket(packetNumber, now, packet.length, ackEliciting, sent);
    recovery.onPacketSent(record, now);
    if (ackEliciting) {
      congestion.onPacketSent(record, recovery.bytesInFlight(), now);
      pacer.onPacketSent(packet.length, now);
    }
    packetsSent++;
    lastSendTime = now;
    return packet;
  }

  /** Writes pending control frames that fit; returns true if any was written. */
  private boolean writeControlFrames(ByteBuffer buf, List<SentFrame> sent, long now) {
    boolean wrote = false;
    if (maxDataPending && buf.remaining() >= MaxDataFrame.SIZE) {
      maxDataPending = false;
      wrote |= put(buf, sent, new MaxDataFrame(connectionWindow.advance(now, recovery.rtt().smoothed())));
    }
    if (maxStreamsPending && buf.remaining() >= MaxStreamsFrame.SIZE) {
      maxStreamsPending = false;
      wrote |= put(buf, sent, new MaxStreamsFrame(maxStreamsAdvertised));
    }
    while (!windowUpdates.isEmpty() && buf.remaining() >= MaxStreamDataFrame.SIZE) {
      Stream s = windowUpdates.poll();
      s.windowUpdateQueued = false;
      if (streams.get(s.id) == s && !s.receive.finalSizeKnown() && !s.receiveDone) {
        wrote |= put(buf, sent, new MaxStreamDataFrame(s.id, s.window.advance(now, recovery.rtt().smoothed())));
      }
    }
    while (!controlFrames.isEmpty() && buf.remaining() >= controlFrames.peek().encodedSize()) {
      wrote |= put(buf, sent, controlFrames.poll());
    }
    return wrote;
  }

  private static boolean put(ByteBuffer buf, List<SentFrame> sent, Frame frame) {
    frame.encode(buf);
    sent.add(new SentFrame.Control(frame));
    return true;
  }

  /** Fills the rest of the packet with stream data, one chunk per stream in turn. */
  private boolean writeStreamData(ByteBuffer buf, List<SentFrame> sent, long now) {
    boolean wrote = false;
    int rounds = sendQueue.size();
    while (!sendQueue.isEmpty() && buf.remaining() > StreamFrame.HEADER_SIZE && rounds-- >= 0) {
      Stream s = sendQueue.poll();
      s.inSendQueue = false;
      if (s.resetSent || streams.get(s.id) != s) {
        continue;
      }
      SendStream send = s.send;
      long credit = peerMaxData - newBytesSent;
      if (credit <= 0 && send.nextIsNew() && !send.hasPendingFinOnly()) {
        blockedOnConnectionCredit.add(s);
        continue;
      }
      int headerAt = buf.position();
      buf.position(headerAt + StreamFrame.HEADER_SIZE);
      long sentHighBefore = send.sentHigh();
      SendStream.Chunk chunk = send.next(buf.remaining(), Math.max(credit, 0), buf);
      if (chunk == null) {
        buf.position(headerAt);
        continue;
      }
      StreamFrame.writeHeaderAt(buf, headerAt, s.id, chunk.offset(), chunk.length(), chunk.fin());
      long fresh = send.sentHigh() - sentHighBefore;
      newBytesSent += fresh;
      retransmittedBytes += chunk.length() - fresh;
      sent.add(new SentFrame.StreamData(s.id, chunk.offset(), chunk.length(), chunk.fin()));
      s.lastActivity = now;
      wrote = true;
      enqueueSend(s);
    }
    return wrote;
  }

  private byte[] closePacket() {
    ByteBuffer buf = ByteBuffer.allocate(TransportSpec.MAX_PACKET_SIZE);
    PacketHeader.write(buf, connectionId, recovery.takePacketNumber());
    closeToSend.encode(buf);
    packetsSent++;
    return Arrays.copyOf(buf.array(), buf.position());
  }
}
