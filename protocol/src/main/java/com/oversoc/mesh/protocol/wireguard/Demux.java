package com.oversoc.mesh.protocol.wireguard;

/**
 * The first step of the receive path, shared by the single-threaded {@link Device} and the
 * actors: what a datagram is and, for messages addressed by index, which peer and key pair it
 * belongs to. Only the form is checked here and only the index table is read, so it is cheap,
 * thread-safe, and changes nothing.
 */
public final class Demux {
  /** Where a datagram goes next. */
  public sealed interface Route {}

  /** A handshake initiation: to the intake, then to the peer whose static key it carries. */
  public record ToIntake(HandshakeMessage message) implements Route {}

  /** A handshake response: to the intake, then to {@code peer}, whose initiation it answers. */
  public record ResponseTo(Peer peer, HandshakeResponse response) implements Route {}

  /** A cookie reply for {@code peer}. */
  public record CookieTo(Peer peer, CookieReply reply) implements Route {}

  /** Transport data under {@code keypair} of {@code peer}. */
  public record TransportTo(Peer peer, Keypair keypair) implements Route {}

  /** Dropped before any peer saw it. */
  public record Drop(ReceiveResult.Dropped drop) implements Route {}

  private final IndexTable<Peer> indices;

  public Demux(IndexTable<Peer> indices) {
    this.indices = indices;
  }

  /** Classifies {@code datagram[0..length)}; transport data is not copied. */
  public Route route(byte[] datagram, int length) {
    try {
      MessageType type = MessageType.of(datagram, length);
      type.checkLength(length);
      return switch (type) {
        case HANDSHAKE_INITIATION -> new ToIntake(HandshakeInitiation.decode(datagram, length));
        case HANDSHAKE_RESPONSE -> {
          HandshakeResponse r = HandshakeResponse.decode(datagram, length);
          IndexTable.Entry<Peer> e = indices.lookup(r.receiver());
          yield e == null ? unknownIndex(r.receiver()) : new ResponseTo(e.peer(), r);
        }
        case COOKIE_REPLY -> {
          CookieReply c = CookieReply.decode(datagram, length);
          IndexTable.Entry<Peer> e = indices.lookup(c.receiver());
          yield e == null ? unknownIndex(c.receiver()) : new CookieTo(e.peer(), c);
        }
        case TRANSPORT_DATA -> {
          int receiver = TransportData.receiver(datagram);
          IndexTable.Entry<Peer> e = indices.lookup(receiver);
          if (e == null) {
            yield unknownIndex(receiver);
          }
          yield e.isKeypair() ? new TransportTo(e.peer(), e.keypair())
              : new Drop(ReceiveResult.drop(DropReason.NO_SESSION,
                  "index " + Integer.toUnsignedString(receiver) + " is a handshake in progress"));
        }
      };
    } catch (MessageException e) {
      return new Drop(ReceiveResult.drop(DropReason.MALFORMED, e.getMessage()));
    }
  }

  private static Drop unknownIndex(int index) {
    return new Drop(ReceiveResult.drop(DropReason.UNKNOWN_INDEX, "no handshake or session has index " + Integer.toUnsignedString(index)));
  }
}
