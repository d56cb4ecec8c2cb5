package com.oversoc.mesh.protocol.wireguard;

import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * A WireGuard device in one object (wireguard-go {@code Device}): this node's key, its peers,
 * the index table, and the receive routing with its denial-of-service gate. Single-threaded and
 * pure: the caller feeds datagrams and time, and sends what comes out. Tests, the simulator and
 * the wireguard-go interop test drive it directly; the actors split the same parts across
 * threads.
 *
 * <p>Receive routing:
 *
 * <pre>
 *  datagram -> type and exact length --------------------------------------> MALFORMED
 *    initiation -> intake (mac1; under load mac2 or cookie reply; rate) -> open: static key
 *                  known? -> that peer: timestamp, flood -> response to the source
 *    response   -> intake -> index table -> that peer's initiation in flight
 *    cookie     -> index table -> that peer's cookie generator
 *    transport  -> index table -> key pair -> that peer
 *  an authenticated message moves the peer's endpoint to its source (roaming)
 * </pre>
 *
 * @param <A> the address type of the paths (where datagrams come from and go to)
 */
public final class Device<A> {
  /** Where a device puts what it produces. */
  public interface Output<A> {
    /** Send {@code datagram} to {@code to}. */
    void transmit(A to, byte[] datagram);

    /** A packet from {@code from}, authenticated and decrypted. */
    void deliver(Peer from, byte[] packet);

    /** A session event of {@code peer}. */
    default void event(Peer peer, PeerEvent event) {}
  }

  private static final class Entry<A> {
    final Peer peer;
    A endpoint;

    Entry(Peer peer) {
      this.peer = peer;
    }
  }

  private final SessionContext context;
  private final IndexTable<Peer> indices;
  private final Demux demux;
  private final HandshakeIntake<A> intake;
  private final InitiationOpener opener;
  private final IntSupplier handshakeBacklog;
  private final Map<NodePublicKey, Entry<A>> peers = new HashMap<>();
  private final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);

  /**
   * @param handshakeBacklog how many handshake messages wait to be processed (the load signal;
   *     a caller that reads one datagram at a time from a socket passes its queue depth)
   */
  public Device(NodePrivateKey key, SecureRandom random, InstantSource wallClock, SourceAddress<A> addresses,
      LoadMonitor load, IntSupplier handshakeBacklog) {
    this.indices = new IndexTable<>(random);
    this.context = new SessionContext(key, indices, random, wallClock);
    this.demux = new Demux(indices);
    this.intake = new HandshakeIntake<>(new CookieChecker(key.publicKey(), random), addresses, load);
    this.opener = new InitiationOpener(key, k -> {
      Entry<A> e = peers.get(k);
      return e == null ? null : e.peer;
    }, random);
    this.handshakeBacklog = handshakeBacklog;
  }

  public Device(NodePrivateKey key, SecureRandom random, InstantSource wallClock, SourceAddress<A> addresses) {
    this(key, random, wallClock, addresses, new LoadMonitor(), () -> 0);
  }

  public NodePublicKey publicKey() {
    return context.localKey().publicKey();
  }

  /**
   * Adds a peer. Its handshakes are accepted from now on.
   *
   * @throws KeyFormatException if its key is a low-order point
   * @throws IllegalArgumentException if it is this device's own key or already a peer
   */
  public Peer addPeer(PeerConfig config) {
    if (config.publicKey().equals(publicKey())) {
      throw new IllegalArgumentException("a device cannot be its own peer");
    }
    if (peers.containsKey(config.publicKey())) {
      throw new IllegalArgumentException("peer " + config.publicKey().shortString() + " is already configured");
    }
    Peer peer = new Peer(config, context);
    peers.put(config.publicKey(), new Entry<>(peer));
    return peer;
  }

  /** Removes a peer at once: its sessions end, its keys are zeroed, its handshakes are refused. */
  public boolean removePeer(NodePublicKey key) {
    Entry<A> entry = peers.remove(key);
    if (entry == null) {
      return false;
    }
    entry.peer.remove(new Adapter(entry, null));
    return true;
  }

  public Optional<Peer> peer(NodePublicKey key) {
    Entry<A> entry = peers.get(key);
    return entry == null ? Optional.empty() : Optional.of(entry.peer);
  }

  public Collection<Peer> peers() {
    return peers.values().stream().map(e -> e.peer).toList();
  }

  /** Sets where datagrams for {@code key} go until an authenticated packet arrives from elsewhere. */
  public void setEndpoint(NodePublicKey key, A endpoint) {
    Entry<A> entry = requirePeer(key);
    entry.endpoint = endpoint;
  }

  public Optional<A> endpoint(NodePublicKey key) {
    Entry<A> entry = peers.get(key);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.endpoint);
  }

  /** Drops counted by the device itself (before a peer was found); peers count their own. */
  public Map<DropReason, Long> drops() {
    return Map.copyOf(drops);
  }

  // ---- send ----

  /**
   * Sends {@code packet} to a peer (at once, or once the handshake this starts completes).
   *
   * @throws IllegalArgumentException if {@code key} is not a peer
   */
  public void send(NodePublicKey key, byte[] packet, long now, Output<A> out) {
    Entry<A> entry = requirePeer(key);
    Adapter adapter = new Adapter(entry, out);
    entry.peer.send(packet, now, adapter);
    adapter.flush();
  }

  /** Starts a new handshake with a peer now (a rekey at will). */
  public boolean initiateHandshake(NodePublicKey key, long now, Output<A> out) {
    Entry<A> entry = requirePeer(key);
    Adapter adapter = new Adapter(entry, out);
    boolean sent = entry.peer.initiateHandshake(now, adapter);
    adapter.flush();
    return sent;
  }

  // ---- timers ----

  /** Fires every peer timer due at {@code now}. */
  public void poll(long now, Output<A> out) {
    for (Entry<A> entry : new ArrayList<>(peers.values())) {
      if (entry.peer.nextDeadline() <= now) {
        Adapter adapter = new Adapter(entry, out);
        entry.peer.poll(now, adapter);
        adapter.flush();
      }
    }
  }

  /** The earliest timer of any peer, or {@link Timers#NONE}. */
  public long nextDeadline() {
    long next = Timers.NONE;
    for (Entry<A> entry : peers.values()) {
      next = Math.min(next, entry.peer.nextDeadline());
    }
    return next;
  }

  // ---- receive ----

  /** Processes one datagram of {@code length} bytes from {@code from}. */
  public ReceiveResult receive(byte[] datagram, int length, A from, long now, Output<A> out) {
    return switch (demux.route(datagram, length)) {
      case Demux.Drop d -> drop(d.drop().reason(), d.drop().detail());
      case Demux.ToIntake i -> receiveInitiation((HandshakeInitiation) i.message(), from, now, out);
      case Demux.ResponseTo r -> {
        ReceiveResult gate = gate(r.response(), from, now, out);
        yield gate != null ? gate : deliverTo(r.peer(), from, out, a -> r.peer().onResponse(r.response(), now, a));
      }
      // A cookie reply is not authenticated by the session, so it never moves the endpoint.
      case Demux.CookieTo c -> deliverTo(c.peer(), null, out, a -> c.peer().onCookieReply(c.reply(), now, a));
      case Demux.TransportTo t ->
          deliverTo(t.peer(), from, out, a -> t.peer().onTransportData(t.keypair(), datagram, length, now, a));
    };
  }

  private ReceiveResult receiveInitiation(HandshakeInitiation m, A from, long now, Output<A> out) {
    ReceiveResult gate = gate(m, from, now, out);
    if (gate != null) {
      return gate;
    }
    return switch (opener.open(m)) {
      case InitiationOpener.Failed f -> drop(f.drop().reason(), f.drop().detail());
      case InitiationOpener.Opened o -> {
        Peer peer = peers.get(o.initiation().initiator()).peer;
        yield deliverTo(peer, from, out, a -> peer.onInitiation(o.initiation(), now, a));
      }
    };
  }

  /** mac1, and under load mac2 or a cookie reply, and the source's rate; null means admitted. */
  private ReceiveResult gate(HandshakeMessage m, A from, long now, Output<A> out) {
    HandshakeIntake.Verdict verdict = intake.admit(m, from, handshakeBacklog.getAsInt(), now);
    return switch (verdict) {
      case HandshakeIntake.Admit a -> null;
      case HandshakeIntake.Refuse r -> drop(r.drop().reason(), r.drop().detail());
      case HandshakeIntake.Challenge c -> {
        out.transmit(from, c.reply().toDatagram());
        yield drop(DropReason.COOKIE_REQUIRED, "under load: answered with a cookie reply");
      }
    };
  }

  private interface PeerCall {
    ReceiveResult apply(PeerOutput out);
  }

  /**
   * Runs one peer's receive call; if it authenticated the message, the peer's endpoint moves to
   * {@code from} before what the call produced is sent (a response goes back where its
   * initiation came from).
   */
  private ReceiveResult deliverTo(Peer peer, A from, Output<A> out, PeerCall call) {
    Entry<A> entry = peers.get(peer.publicKey());
    if (entry == null || entry.peer != peer) {
      // The index outlived its peer: only possible if a caller removed the peer mid-call.
      return drop(DropReason.UNKNOWN_INDEX, "the index names a removed peer");
    }
    Adapter adapter = new Adapter(entry, out);
    ReceiveResult result = call.apply(adapter);
    if (result.isAccepted() && from != null) {
      entry.endpoint = from;
    }
    adapter.flush();
    return result;
  }

  private Entry<A> requirePeer(NodePublicKey key) {
    Entry<A> entry = peers.get(key);
    if (entry == null) {
      throw new IllegalArgumentException("node key " + key.shortString() + " is not a peer of this device");
    }
    return entry;
  }

  private ReceiveResult drop(DropReason reason, String detail) {
    drops.merge(reason, 1L, Long::sum);
    return ReceiveResult.drop(reason, detail);
  }

  /**
   * A peer's output for one call: datagrams are held until the call returns, so that they go to
   * the endpoint as the call left it.
   */
  private final class Adapter implements PeerOutput {
    private final Entry<A> entry;
    private final Output<A> out;
    private List<byte[]> pending;

    Adapter(Entry<A> entry, Output<A> out) {
      this.entry = entry;
      this.out = out;
    }

    @Override
    public void transmit(byte[] datagram) {
      if (pending == null) {
        pending = new ArrayList<>(2);
      }
      pending.add(datagram);
    }

    @Override
    public void deliver(byte[] packet) {
      if (out != null) {
        out.deliver(entry.peer, packet);
      }
    }

    @Override
    public void event(PeerEvent event) {
      if (out != null) {
        out.event(entry.peer, event);
      }
    }

    void flush() {
      if (pending == null || out == null) {
        return;
      }
      if (entry.endpoint == null) {
        drops.merge(DropReason.NO_ENDPOINT, (long) pending.size(), Long::sum);
      } else {
        for (byte[] datagram : pending) {
          out.transmit(entry.endpoint, datagram);
        }
      }
      pending = null;
    }
  }
}
